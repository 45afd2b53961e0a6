package dev.spawn.bench.agent;

import dev.spawn.Backend;
import java.util.Optional;

/** The plain-text report: header, tools, the RFC-shaped table, and a detail table. */
public final class TextReport {
    private TextReport() {
    }

    public static String render(BenchReport report) {
        RunnerOptions options = report.options();
        StringBuilder text = new StringBuilder();
        text.append(options.preset().command()).append(": ").append(report.mix().size()).append(" tool calls in the mix, ")
                .append(options.calls()).append(" calls per backend and split, seed ").append(options.seed())
                .append(", warm-up ").append(options.warmupCalls()).append(" calls per worker\n");
        text.append(report.host().describe()).append('\n');
        text.append("Tools:\n");
        for (ResolvedTool tool : report.tools()) {
            text.append("  ").append(tool.describe()).append('\n');
        }
        if (!report.missing().isEmpty()) {
            text.append("Left out (not on this machine): ").append(String.join(", ", report.missing())).append('\n');
        }
        text.append('\n').append(summary(report)).append('\n').append(detail(report)).append('\n')
                .append(perTool(report));
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
                            .append(row.result().backend().propertyName()).append(' ').append(mismatch).append('\n');
                }
            }
        } else {
            text.append("\nEvery call's exit code and stdout digest matched the reference run.\n");
        }
        return text.toString();
    }

    /** Rows are splits; a calls/s (time) column per backend, then each backend's delta against ProcessBuilder. */
    static String summary(BenchReport report) {
        StringBuilder text = new StringBuilder("calls/s (wall time), higher is better\n");
        text.append(String.format("%-7s", "split"));
        for (Backend backend : report.options().backends()) {
            text.append(String.format("%-22s", backend.propertyName()));
        }
        for (Backend backend : report.options().backends()) {
            if (backend != Backend.PROCESS_BUILDER) {
                text.append(String.format("%-18s", backend.propertyName() + " vs PB"));
            }
        }
        text.append('\n');
        for (Split split : report.options().splits()) {
            text.append(String.format("%-7s", split));
            for (Backend backend : report.options().backends()) {
                text.append(String.format("%-22s", report.row(split, backend)
                        .map(row -> String.format("%.1f (%.2f s)%s", row.result().callsPerSecond(),
                                row.result().seconds(), row.verified() ? "" : " FAIL"))
                        .orElse("-")));
            }
            for (Backend backend : report.options().backends()) {
                if (backend != Backend.PROCESS_BUILDER) {
                    Optional<Double> delta = report.row(split, backend).flatMap(report::deltaVsProcessBuilder);
                    text.append(String.format("%-18s", BenchReport.percent(delta)));
                }
            }
            text.append('\n');
        }
        return text.toString();
    }

    /** Mean latency per tool and backend over all splits: where the time goes. */
    static String perTool(BenchReport report) {
        StringBuilder text = new StringBuilder("mean latency per call in ms (all splits; includes waiting for a core)\n");
        text.append(String.format("%-12s %6s", "tool", "calls"));
        for (Backend backend : report.options().backends()) {
            text.append(String.format(" %15s", backend.propertyName()));
        }
        text.append('\n');
        for (Tool tool : report.mix()) {
            text.append(String.format("%-12s %6d", tool.label(), report.callsOf(tool)));
            for (Backend backend : report.options().backends()) {
                text.append(String.format(" %15.2f", report.meanMillis(tool, backend)));
            }
            text.append('\n');
        }
        return text.toString();
    }

    static String detail(BenchReport report) {
        StringBuilder text = new StringBuilder(String.format("%-7s %-15s %6s %9s %9s %8s %8s %8s  %s%n", "split",
                "backend", "calls", "time s", "calls/s", "vs PB", "p50 ms", "p99 ms", "check"));
        for (BenchReport.Row row : report.rows()) {
            RunResult result = row.result();
            text.append(String.format("%-7s %-15s %6d %9.3f %9.1f %8s %8.2f %8.2f  %s%n", result.split(),
                    result.backend().propertyName(), result.calls(), result.seconds(), result.callsPerSecond(),
                    BenchReport.percent(report.deltaVsProcessBuilder(row)), result.latencyMillis(50),
                    result.latencyMillis(99), row.verified() ? "ok" : row.mismatches().size() + " mismatches"));
        }
        return text.toString();
    }
}
