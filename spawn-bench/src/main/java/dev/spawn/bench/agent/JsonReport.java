package dev.spawn.bench.agent;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** The whole report as JSON, written by hand (no JSON library in the jar). */
public final class JsonReport {
    private JsonReport() {
    }

    public static String render(BenchReport report) {
        RunnerOptions options = report.options();
        StringBuilder json = new StringBuilder("{\n");
        json.append("  \"preset\": ").append(string(options.preset().command())).append(",\n");
        json.append("  \"calls\": ").append(options.calls()).append(",\n");
        json.append("  \"api\": ").append(string(options.api())).append(",\n");
        json.append("  \"rounds\": ").append(options.repeat()).append(",\n");
        json.append("  \"backends\": ").append(strings(options.backends().stream().map(Engine::label).toList()))
                .append(",\n");
        json.append("  \"cReference\": ").append(report.cReference().map(e -> string(e.label())).orElse("null"))
                .append(",\n");
        json.append("  \"seed\": ").append(options.seed()).append(",\n");
        json.append("  \"warmupCallsPerWorker\": ").append(report.warmupCalls()).append(",\n");
        json.append("  \"settleJit\": ").append(options.settleJit()).append(",\n");
        json.append("  \"host\": {\"jdk\": ").append(string(report.host().jdk())).append(", \"cpu\": ")
                .append(string(report.host().cpu())).append(", \"cores\": ").append(report.host().cores())
                .append(", \"virtualized\": ").append(report.host().virtualized())
                .append(", \"kernel\": ").append(string(report.host().kernel())).append(", \"date\": ")
                .append(string(report.host().date())).append("},\n");
        json.append("  \"mix\": ").append(strings(report.mix().stream().map(Tool::label).toList())).append(",\n");
        json.append("  \"missing\": ").append(strings(report.missing())).append(",\n");
        json.append("  \"tools\": [\n").append(report.tools().stream()
                .map(tool -> "    {\"command\": " + string(tool.command()) + ", \"path\": " + string(tool.path()
                        .toString()) + ", \"realPath\": " + string(tool.realPath().toString()) + ", \"script\": "
                        + tool.script() + ", \"shebang\": " + (tool.shebang() == null ? "null" : string(tool.shebang()))
                        + ", \"skippedShim\": " + (tool.skippedShim() == null ? "null"
                                : string(tool.skippedShim().toString())) + "}")
                .collect(Collectors.joining(",\n"))).append("\n  ],\n");
        json.append("  \"complete\": ").append(report.complete()).append(",\n");
        json.append("  \"failure\": ").append(report.complete() ? "null" : string(report.failure())).append(",\n");
        json.append("  \"verified\": ").append(report.verified()).append(",\n");
        List<String> cells = new java.util.ArrayList<>();
        for (Split split : options.splits()) {
            for (Engine backend : options.backends()) {
                report.callsPerSecond(split, backend).ifPresent(cps -> cells.add(String.format(Locale.ROOT,
                        "    {\"split\": %s, \"backend\": %s, \"callsPerSecond\": %s, \"ratioVsProcessBuilder\": %s, "
                        + "\"ratioVsC\": %s, \"verified\": %s}", string(split.toString()), string(backend.label()),
                        spread(cps), ratio(report, split, backend, Optional.of(Engine.PROCESS_BUILDER)),
                        ratio(report, split, backend, report.cReference()),
                        report.verified(split, backend))));
            }
        }
        json.append("  \"cells\": [\n").append(String.join(",\n", cells)).append("\n  ],\n");
        json.append("  \"runs\": [\n").append(report.rows().stream().map(row -> run(report, row))
                .collect(Collectors.joining(",\n"))).append("\n  ]\n}\n");
        return json.toString();
    }

    private static String run(BenchReport report, BenchReport.Row row) {
        RunResult result = row.result();
        return String.format(Locale.ROOT, "    {\"round\": %d, \"split\": %s, \"workers\": %d, \"inFlight\": %d, "
                + "\"backend\": %s, \"calls\": %d, \"seconds\": %.4f, \"callsPerSecond\": %.2f, "
                + "\"p50Ms\": %.3f, \"p99Ms\": %.3f, \"workerCpuMsPerCall\": %s, \"workerJitSeconds\": %s, "
                + "\"mismatches\": %s, "
                + "\"workerStats\": %s}",
                result.round() + 1, string(result.split().toString()), result.split().workers(),
                result.split().inFlight(), string(result.backend().label()), result.calls(), result.seconds(),
                result.callsPerSecond(), result.latencyMillis(50), result.latencyMillis(99),
                Double.isNaN(result.workerCpuMillisPerCall()) ? "null"
                        : String.format(Locale.ROOT, "%.4f", result.workerCpuMillisPerCall()),
                Double.isNaN(result.workerJitSeconds()) ? "null"
                        : String.format(Locale.ROOT, "%.3f", result.workerJitSeconds()),
                strings(row.mismatches().stream().map(Verifier.Mismatch::toString).toList()),
                strings(result.workerStats()));
    }

    /**
     * {@code backend} over {@code base}: the median and min-max of the per-round ratios, and the
     * ratio of the cells' medians (earlier reports' {@code median}); null when not both ran.
     */
    private static String ratio(BenchReport report, Split split, Engine backend, Optional<Engine> base) {
        Optional<Spread> rounds = base.flatMap(b -> report.roundRatios(split, backend, b));
        Optional<Double> ofMedians = base.flatMap(b -> report.ratioOfMedians(split, backend, b));
        return rounds.flatMap(r -> ofMedians.map(m -> String.format(Locale.ROOT, "{\"medianOfRoundRatios\": %.4f, "
                + "\"minOfRoundRatios\": %.4f, \"maxOfRoundRatios\": %.4f, \"rounds\": %d, "
                + "\"ratioOfMedians\": %.4f}", r.median(), r.min(), r.max(), r.count(), m))).orElse("null");
    }

    private static String spread(Spread s) {
        return String.format(Locale.ROOT, "{\"median\": %.4f, \"min\": %.4f, \"max\": %.4f, \"rounds\": %d}",
                s.median(), s.min(), s.max(), s.count());
    }

    private static String strings(List<String> values) {
        return values.stream().map(JsonReport::string).collect(Collectors.joining(", ", "[", "]"));
    }

    static String string(String value) {
        StringBuilder json = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"':
                    json.append("\\\"");
                    break;
                case '\\':
                    json.append("\\\\");
                    break;
                case '\n':
                    json.append("\\n");
                    break;
                case '\t':
                    json.append("\\t");
                    break;
                case '\r':
                    json.append("\\r");
                    break;
                default:
                    if (c < 0x20) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
            }
        }
        return json.append('"').toString();
    }
}
