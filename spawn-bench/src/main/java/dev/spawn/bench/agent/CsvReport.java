package dev.spawn.bench.agent;

import java.util.Locale;

/** One CSV row per backend and split. */
public final class CsvReport {
    private CsvReport() {
    }

    public static String render(BenchReport report) {
        StringBuilder csv = new StringBuilder("preset,split,workers,in_flight,backend,calls,seconds,calls_per_s,"
                + "delta_vs_processbuilder_pct,p50_ms,p99_ms,mismatches\n");
        for (BenchReport.Row row : report.rows()) {
            RunResult result = row.result();
            csv.append(String.format(Locale.ROOT, "%s,%s,%d,%d,%s,%d,%.4f,%.2f,%s,%.3f,%.3f,%d%n",
                    report.options().preset().command(), result.split(), result.split().workers(),
                    result.split().inFlight(), result.backend().propertyName(), result.calls(), result.seconds(),
                    result.callsPerSecond(), report.deltaVsProcessBuilder(row)
                            .map(d -> String.format(Locale.ROOT, "%.2f", d)).orElse(""),
                    result.latencyMillis(50), result.latencyMillis(99), row.mismatches().size()));
        }
        return csv.toString();
    }
}
