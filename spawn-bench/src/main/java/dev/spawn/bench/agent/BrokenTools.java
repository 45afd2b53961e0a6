package dev.spawn.bench.agent;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The tools whose every call in the reference run exited non-zero: 126 (found but cannot run) or
 * 127 (not found) as a shell reports them, a {@code #!} shim whose interpreter is missing, say; or
 * any other code, a {@code --tool} that is not the tool. Every backend then agrees with the
 * reference and the check passes, but the timings measure a failure, not the tool. A warning
 * rather than a failed run: the mix has calls that exit non-zero by design (a grep with no match
 * exits 1), so a tool with few calls can fail in all of them and still be the tool.
 */
final class BrokenTools {
    private static final Set<Integer> CANNOT_START = Set.of(126, 127);

    /** A tool whose every reference call exited non-zero, with the exit codes they gave. */
    record Broken(Tool tool, SortedSet<Integer> exitCodes) {
        /** Whether it never started: every call exited 126 or 127. */
        boolean cannotStart() {
            return CANNOT_START.containsAll(exitCodes);
        }

        /** The one-line warning. */
        String warning() {
            if (cannotStart()) {
                return "warning: every " + tool.label() + " call exited 126 or 127 in the reference run: "
                        + tool.command() + " cannot run here (a #! shim without its interpreter?), so its timings"
                        + " measure nothing; pass --tool " + tool.command() + "=/path/to/a/working/binary";
            }
            return "warning: every " + tool.label() + " call exited non-zero (exit code"
                    + (exitCodes.size() == 1 ? " " : "s ") + String.join(", ", exitCodes.stream().map(String::valueOf)
                            .toList()) + ") in the reference run: the backends agree with it, but its timings"
                    + " measure failing calls; check that " + tool.command() + " works here, or pass --tool "
                    + tool.command() + "=/path/to/a/working/binary";
        }
    }

    private BrokenTools() {
    }

    /** The tools of {@code calls} whose every outcome in {@code reference} exited non-zero, in {@link Tool} order. */
    static List<Broken> in(List<CallSpec> calls, List<CallOutcome> reference) {
        Map<Integer, CallOutcome> byIndex = new HashMap<>();
        reference.forEach(outcome -> byIndex.put(outcome.index(), outcome));
        Map<Tool, Boolean> allFailed = new EnumMap<>(Tool.class);
        Map<Tool, SortedSet<Integer>> exitCodes = new EnumMap<>(Tool.class);
        for (CallSpec call : calls) {
            CallOutcome outcome = byIndex.get(call.index());
            if (outcome != null) {
                // a call the library could not run is a mismatch of its own, not the tool's failure
                boolean failed = outcome.error() == null && outcome.exitCode() != 0;
                allFailed.merge(call.tool(), failed, Boolean::logicalAnd);
                exitCodes.computeIfAbsent(call.tool(), tool -> new TreeSet<>()).add(outcome.exitCode());
            }
        }
        List<Broken> broken = new ArrayList<>();
        allFailed.forEach((tool, failed) -> {
            if (failed) {
                broken.add(new Broken(tool, exitCodes.get(tool)));
            }
        });
        return broken;
    }
}
