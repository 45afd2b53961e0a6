package dev.spawn.bench.agent;

import java.util.List;
import java.util.Locale;
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
        json.append("  \"seed\": ").append(options.seed()).append(",\n");
        json.append("  \"warmupCallsPerWorker\": ").append(options.warmupCalls()).append(",\n");
        json.append("  \"host\": {\"jdk\": ").append(string(report.host().jdk())).append(", \"cpu\": ")
                .append(string(report.host().cpu())).append(", \"cores\": ").append(report.host().cores())
                .append(", \"kernel\": ").append(string(report.host().kernel())).append(", \"date\": ")
                .append(string(report.host().date())).append("},\n");
        json.append("  \"mix\": ").append(strings(report.mix().stream().map(Tool::label).toList())).append(",\n");
        json.append("  \"missing\": ").append(strings(report.missing())).append(",\n");
        json.append("  \"tools\": [\n").append(report.tools().stream()
                .map(tool -> "    {\"command\": " + string(tool.command()) + ", \"path\": " + string(tool.path()
                        .toString()) + ", \"realPath\": " + string(tool.realPath().toString()) + ", \"script\": "
                        + tool.script() + ", \"shebang\": " + (tool.shebang() == null ? "null" : string(tool.shebang()))
                        + "}")
                .collect(Collectors.joining(",\n"))).append("\n  ],\n");
        json.append("  \"verified\": ").append(report.verified()).append(",\n");
        json.append("  \"runs\": [\n").append(report.rows().stream().map(row -> run(report, row))
                .collect(Collectors.joining(",\n"))).append("\n  ]\n}\n");
        return json.toString();
    }

    private static String run(BenchReport report, BenchReport.Row row) {
        RunResult result = row.result();
        return String.format(Locale.ROOT, "    {\"split\": %s, \"workers\": %d, \"inFlight\": %d, \"backend\": %s, "
                + "\"calls\": %d, \"seconds\": %.4f, \"callsPerSecond\": %.2f, \"deltaVsProcessBuilderPct\": %s, "
                + "\"p50Ms\": %.3f, \"p99Ms\": %.3f, \"mismatches\": %s, \"workerStats\": %s}",
                string(result.split().toString()), result.split().workers(), result.split().inFlight(),
                string(result.backend().propertyName()), result.calls(), result.seconds(), result.callsPerSecond(),
                report.deltaVsProcessBuilder(row).map(d -> String.format(Locale.ROOT, "%.2f", d)).orElse("null"),
                result.latencyMillis(50), result.latencyMillis(99),
                strings(row.mismatches().stream().map(Verifier.Mismatch::toString).toList()),
                strings(result.workerStats()));
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
