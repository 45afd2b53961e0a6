package dev.spawn.bench.agent;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The plain-text report: header, tools, the RFC-shaped table with spreads and ratios, and detail tables. */
public final class TextReport {
    private TextReport() {
    }

    public static String render(BenchReport report) {
        RunnerOptions options = report.options();
        StringBuilder text = new StringBuilder();
        text.append(options.preset().command()).append(": ").append(report.mix().size()).append(" tool calls in the mix, ")
                .append(options.calls()).append(" calls per backend and split, ").append(options.repeat())
                .append(options.repeat() == 1 ? " round" : " rounds (backend order rotated or mirrored each round)")
                .append(", seed ").append(options.seed()).append(", warm-up ").append(report.warmupCalls())
                .append(options.settleJit() ? " calls per worker and on until the JIT settles" : " calls per worker")
                .append(report.warmupCalls() == options.warmupCalls() ? ""
                        : " (--warmup " + options.warmupCalls() + ", raised to one call per tool)")
                .append(", api ").append(options.api()).append('\n');
        if (!report.complete()) {
            text.append("INCOMPLETE: ").append(report.failure()).append("; this report holds only the runs that")
                    .append(" finished before it (").append(finished(report)).append(").\n");
        }
        if (!options.orderBalanced()) {
            text.append("Note: ").append(options.orderNote()).append(".\n");
        }
        text.append(report.host().describe()).append('\n');
        text.append("Tools:\n");
        for (ResolvedTool tool : report.tools()) {
            text.append("  ").append(tool.describe()).append('\n');
        }
        if (!report.missing().isEmpty()) {
            text.append("Left out (not on this machine): ").append(String.join(", ", report.missing())).append('\n');
        }
        for (BrokenTools.Broken tool : report.brokenTools()) {
            text.append(tool.warning()).append('\n');
        }
        text.append('\n').append(summary(report)).append('\n').append(ratios(report)).append('\n')
                .append(workerCpu(report)).append('\n').append(detail(report)).append('\n').append(perTool(report));
        if (!report.verified()) {
            text.append("\nRESULT CHECK FAILED:\n");
            for (BenchReport.Row row : report.rows()) {
                int shown = 0;
                for (Verifier.Mismatch mismatch : row.mismatches()) {
                    if (shown++ == 10) {
                        text.append("  ... ").append(row.mismatches().size() - 10).append(" more\n");
                        break;
                    }
                    text.append("  ").append(row.result().split()).append(' ')
                            .append(row.result().backend().label()).append(" round ").append(row.result().round() + 1)
                            .append(' ').append(mismatch).append('\n');
                }
            }
            text.append(debugHint(options));
        } else {
            text.append('\n').append(matched(report));
        }
        return text.toString();
    }

    /** {@code 3 of 8}: the runs in the report of those the options asked for. */
    private static String finished(BenchReport report) {
        RunnerOptions options = report.options();
        return report.rows().size() + " of " + options.repeat() * options.splits().size() * options.backends().size();
    }

    /**
     * What a check that found no mismatch shows: of an incomplete report only the runs that
     * finished; without a ProcessBuilder run, only that the backends agree with the first one.
     */
    static String matched(BenchReport report) {
        RunnerOptions options = report.options();
        Engine reference = options.backends().get(0);
        String text = (report.complete() ? "Every call's" : "In the runs that finished (" + finished(report)
                + "), every call's") + " exit code, stdout digest and stderr length matched the"
                + " reference run (" + reference.label() + ", round 1)"
                + (report.complete() ? "." : "; the runs after the failure were not made, so not checked.");
        if (reference != Engine.PROCESS_BUILDER) {
            text += " No ProcessBuilder run was made to check against (processbuilder was not in --backends): this"
                    + " shows only that the runs agree with " + reference.label() + "'s first run, not that they"
                    + " give what the JDK's ProcessBuilder gives.";
        }
        return text + "\n";
    }

    /** Where to look into a mismatch: the workspace the calls ran in, which a run removes unless told. */
    static String debugHint(RunnerOptions options) {
        if (options.keepWorkspace()) {
            return "To look into a call, run it by hand in the kept workspace (its folder is named on stderr);"
                    + " the worker logs are in " + options.out().resolve("logs") + ".\n";
        }
        return "To look into a call, run the same command again with --keep-workspace (seed " + options.seed()
                + " makes the same fixture and calls) and run the call by hand in the workspace it keeps; the worker"
                + " logs are in " + options.out().resolve("logs") + ".\n";
    }

    /** Rows are splits, a calls/s column per backend: median [min-max] over the rounds. */
    static String summary(BenchReport report) {
        StringBuilder text = new StringBuilder("calls/s, higher is better"
                + (report.options().repeat() > 1 ? ": median [min-max] of " + report.options().repeat() + " rounds"
                        : "") + "\n");
        TextTable table = new TextTable().row(header(report.options().backends()));
        for (Split split : report.options().splits()) {
            List<String> row = new ArrayList<>(List.of(split.toString()));
            for (Engine backend : report.options().backends()) {
                row.add(report.callsPerSecond(split, backend)
                        .map(s -> s.render(s.median() < 100 ? "%.1f" : "%.0f")
                                + (report.verified(split, backend) ? "" : " FAIL"))
                        .orElse("-"));
            }
            table.row(row);
        }
        return text.append(table.render()).toString();
    }

    /** {@code split} and the backends' labels. */
    private static List<String> header(List<Engine> backends) {
        List<String> header = new ArrayList<>(List.of("split"));
        backends.forEach(backend -> header.add(backend.label()));
        return header;
    }

    /**
     * Each backend against ProcessBuilder (delta) and against the C reference (ratio), each the
     * median [min-max] of the per-round ratios; with more than one round, the ratios of the
     * cells' medians after them, the headline of earlier reports.
     */
    static String ratios(BenchReport report) {
        Optional<Engine> c = report.cReference();
        StringBuilder text = new StringBuilder("vs PB: calls/s delta against processbuilder");
        c.ifPresent(engine -> text.append("; / ").append(engine.label()).append(": calls/s ratio to the C reference"));
        if (kernelAndUserspace(report)) {
            text.append("; kernel / userspace: the RFC's syscalls against the userspace fast path");
        }
        boolean rounds = report.options().repeat() > 1;
        text.append(rounds ? "\n(median of per-round ratios [their min-max]: each run over the same round's run of"
                + " the other backend)\n" : "\n");
        text.append(ratioTable(report, (split, backend, base) -> BenchReport.percentSpread(
                report.roundRatios(split, backend, base)),
                (split, backend, base) -> report.roundRatios(split, backend, base).map(r -> r.render("%.2f"))
                        .orElse("-")));
        if (rounds) {
            text.append("ratio of medians (one cell's median calls/s over the other's, pairing no runs; the"
                    + " headline of reports before the per-round ratios)\n");
            text.append(ratioTable(report, (split, backend, base) -> BenchReport.percent(
                    report.ratioOfMedians(split, backend, base).map(r -> (r - 1) * 100)),
                    (split, backend, base) -> report.ratioOfMedians(split, backend, base)
                            .map(r -> String.format("%.2f", r)).orElse("-")));
        }
        return text.toString();
    }

    /** How a ratio table shows {@code backend} against {@code base} at {@code split}. */
    private interface RatioCell {
        String render(Split split, Engine backend, Engine base);
    }

    /**
     * Columns: each backend vs ProcessBuilder as {@code vsPb} shows it, then each vs the C
     * reference, then kernel / userspace when both ran, as {@code vsC} shows them.
     */
    private static String ratioTable(BenchReport report, RatioCell vsPb, RatioCell vsC) {
        Optional<Engine> c = report.cReference();
        List<Engine> backends = report.options().backends();
        List<String> header = new ArrayList<>(List.of("split"));
        for (Engine backend : backends) {
            if (backend != Engine.PROCESS_BUILDER) {
                header.add(backend.label() + " vs PB");
            }
        }
        c.ifPresent(ref -> {
            for (Engine backend : backends) {
                if (backend != ref) {
                    header.add(backend.label() + " / " + ref.label());
                }
            }
        });
        if (kernelAndUserspace(report)) {
            header.add("kernel / userspace");
        }
        TextTable table = new TextTable().row(header);
        for (Split split : report.options().splits()) {
            List<String> row = new ArrayList<>(List.of(split.toString()));
            for (Engine backend : backends) {
                if (backend != Engine.PROCESS_BUILDER) {
                    row.add(vsPb.render(split, backend, Engine.PROCESS_BUILDER));
                }
            }
            c.ifPresent(ref -> {
                for (Engine backend : backends) {
                    if (backend != ref) {
                        row.add(vsC.render(split, backend, ref));
                    }
                }
            });
            if (kernelAndUserspace(report)) {
                row.add(vsC.render(split, Engine.KERNEL, Engine.USERSPACE));
            }
            table.row(row);
        }
        return table.render();
    }

    /** Whether both of the RFC's contenders ran: the VM's question is how they compare. */
    private static boolean kernelAndUserspace(BenchReport report) {
        return report.options().backends().contains(Engine.KERNEL) && report.options().backends().contains(Engine.USERSPACE);
    }

    /** The spawning side's own CPU per call: the JVM (or C driver) around the spawns, not the tools. */
    static String workerCpu(BenchReport report) {
        StringBuilder text = new StringBuilder("worker CPU ms per call (the spawning processes' own CPU over the timed"
                + " calls, tools excluded; lower is better)\n");
        TextTable table = new TextTable().row(header(report.options().backends()));
        for (Split split : report.options().splits()) {
            List<String> row = new ArrayList<>(List.of(split.toString()));
            for (Engine backend : report.options().backends()) {
                row.add(report.workerCpuMillisPerCall(split, backend).map(s -> s.render("%.3f")).orElse("-"));
            }
            table.row(row);
        }
        return text.append(table.render()).toString();
    }

    /** Mean latency per tool and backend over all splits: where the time goes. */
    static String perTool(BenchReport report) {
        StringBuilder text = new StringBuilder("mean latency per call in ms (all splits and rounds; includes waiting for"
                + " a core)\n");
        text.append(String.format("%-12s %6s", "tool", "calls"));
        for (Engine backend : report.options().backends()) {
            text.append(String.format(" %15s", backend.label()));
        }
        text.append('\n');
        for (Tool tool : report.mix()) {
            text.append(String.format("%-12s %6d", tool.label(), report.callsOf(tool)));
            for (Engine backend : report.options().backends()) {
                text.append(String.format(" %15.2f", report.meanMillis(tool, backend)));
            }
            text.append('\n');
        }
        return text.toString();
    }

    /** Every run, in the order it ran. */
    static String detail(BenchReport report) {
        StringBuilder text = new StringBuilder(String.format("%-5s %-7s %-15s %6s %9s %9s %8s %8s %9s %6s  %s%n",
                "round", "split", "backend", "calls", "time s", "calls/s", "p50 ms", "p99 ms", "cpu/call", "jit s",
                "check"));
        for (BenchReport.Row row : report.rows()) {
            RunResult result = row.result();
            text.append(String.format("%-5d %-7s %-15s %6d %9.3f %9.1f %8.2f %8.2f %9.3f %6s  %s%n", result.round() + 1,
                    result.split(), result.backend().label(), result.calls(), result.seconds(),
                    result.callsPerSecond(), result.latencyMillis(50), result.latencyMillis(99),
                    result.workerCpuMillisPerCall(),
                    Double.isNaN(result.workerJitSeconds()) ? "-" : String.format("%.2f", result.workerJitSeconds()),
                    row.verified() ? "ok" : row.mismatches().size() + " mismatches"));
        }
        return text.toString();
    }
}
