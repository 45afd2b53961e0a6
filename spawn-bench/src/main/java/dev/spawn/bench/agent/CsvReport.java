package dev.spawn.bench.agent;

import java.util.Locale;
import java.util.Optional;

/**
 * CSV: one row per backend and split with the spread over rounds ({@link #render}), and one per run ({@link #runs}).
 * A ratio's {@code _per_round_*} columns are the median and min-max of its per-round ratios; its {@code _of_medians}
 * column, the ratio of the two cells' medians, is what earlier reports' {@code ratio_vs_*_median} held.
 * Both end with {@code complete}, {@code false} in every row of a run that stopped partway, as the
 * JSON's {@code complete}: a row read on its own, or among other runs' rows, still says so.
 */
public final class CsvReport {
    private CsvReport() {
    }

    public static String render(BenchReport report) {
        StringBuilder csv = new StringBuilder("preset,split,workers,in_flight,backend,rounds,calls,"
                + "calls_per_s_median,calls_per_s_min,calls_per_s_max,"
                + "ratio_vs_processbuilder_per_round_median,ratio_vs_processbuilder_per_round_min,"
                + "ratio_vs_processbuilder_per_round_max,ratio_vs_processbuilder_of_medians,"
                + "c_reference,ratio_vs_c_per_round_median,ratio_vs_c_per_round_min,ratio_vs_c_per_round_max,"
                + "ratio_vs_c_of_medians,mismatches,complete\n");
        Optional<Engine> c = report.cReference();
        for (Split split : report.options().splits()) {
            for (Engine backend : report.options().backends()) {
                Optional<Spread> cps = report.callsPerSecond(split, backend);
                if (cps.isEmpty()) {
                    continue;
                }
                Spread s = cps.get();
                long mismatches = report.runs(split, backend).stream().mapToLong(r -> r.mismatches().size()).sum();
                csv.append(String.format(Locale.ROOT, "%s,%s,%d,%d,%s,%d,%d,%.2f,%.2f,%.2f,%s,%s,%s,%d,%b%n",
                        report.options().preset().command(), split, split.workers(), split.inFlight(),
                        backend.label(), s.count(), report.options().calls(), s.median(), s.min(), s.max(),
                        ratioColumns(report, split, backend, Optional.of(Engine.PROCESS_BUILDER)),
                        c.map(Engine::label).orElse(""), ratioColumns(report, split, backend, c), mismatches,
                        report.complete()));
            }
        }
        return csv.toString();
    }

    public static String runs(BenchReport report) {
        StringBuilder csv = new StringBuilder("preset,round,split,workers,in_flight,backend,calls,seconds,calls_per_s,"
                + "p50_ms,p99_ms,worker_cpu_ms_per_call,worker_jit_s,mismatches,complete\n");
        for (BenchReport.Row row : report.rows()) {
            RunResult result = row.result();
            csv.append(String.format(Locale.ROOT, "%s,%d,%s,%d,%d,%s,%d,%.4f,%.2f,%.3f,%.3f,%.4f,%s,%d,%b%n",
                    report.options().preset().command(), result.round() + 1, result.split(), result.split().workers(),
                    result.split().inFlight(), result.backend().label(), result.calls(), result.seconds(),
                    result.callsPerSecond(), result.latencyMillis(50), result.latencyMillis(99),
                    result.workerCpuMillisPerCall(), Double.isNaN(result.workerJitSeconds()) ? ""
                            : String.format(Locale.ROOT, "%.3f", result.workerJitSeconds()), row.mismatches().size(),
                    report.complete()));
        }
        return csv.toString();
    }

    /** The per-round ratios' median, min and max, then the ratio of medians; empty fields when not both ran. */
    private static String ratioColumns(BenchReport report, Split split, Engine backend, Optional<Engine> base) {
        String rounds = base.flatMap(b -> report.roundRatios(split, backend, b))
                .map(r -> String.format(Locale.ROOT, "%.4f,%.4f,%.4f", r.median(), r.min(), r.max())).orElse(",,");
        String ofMedians = base.flatMap(b -> report.ratioOfMedians(split, backend, b))
                .map(r -> String.format(Locale.ROOT, "%.4f", r)).orElse("");
        return rounds + "," + ofMedians;
    }
}
