package dev.spawn.bench.agent;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The tools whose every call in the reference run exited 126 (found but cannot run) or 127 (not
 * found), as a shell reports them: a {@code #!} shim whose interpreter is missing, say. Every
 * backend then agrees with the reference and the check passes, but the timings measure a failed
 * start, not the tool.
 */
final class BrokenTools {
    private BrokenTools() {
    }

    /** The tools of {@code calls} whose every outcome in {@code reference} exited 126 or 127, in {@link Tool} order. */
    static List<Tool> in(List<CallSpec> calls, List<CallOutcome> reference) {
        Map<Integer, CallOutcome> byIndex = new HashMap<>();
        reference.forEach(outcome -> byIndex.put(outcome.index(), outcome));
        Map<Tool, Boolean> allFailedToStart = new EnumMap<>(Tool.class);
        for (CallSpec call : calls) {
            CallOutcome outcome = byIndex.get(call.index());
            if (outcome != null) {
                boolean failedToStart = outcome.error() == null
                        && (outcome.exitCode() == 126 || outcome.exitCode() == 127);
                allFailedToStart.merge(call.tool(), failedToStart, Boolean::logicalAnd);
            }
        }
        List<Tool> broken = new ArrayList<>();
        allFailedToStart.forEach((tool, failed) -> {
            if (failed) {
                broken.add(tool);
            }
        });
        return broken;
    }

    /** The one-line warning for {@code tool}. */
    static String warning(Tool tool) {
        return "warning: every " + tool.label() + " call exited 126 or 127 in the reference run: " + tool.command()
                + " cannot run here (a #! shim without its interpreter?), so its timings measure nothing;"
                + " pass --tool " + tool.command() + "=/path/to/a/working/binary";
    }
}
