package dev.spawn.bench.agent;

import dev.spawn.Backend;
import java.util.List;
import java.util.Optional;

/** Everything one runner invocation measured, for the text, CSV, JSON and SVG writers. */
public record BenchReport(RunnerOptions options, HostInfo host, List<ResolvedTool> tools, List<String> missing,
        List<Tool> mix, List<CallSpec> calls, List<Row> rows) {

    /** One backend at one split, with its check against the reference. */
    public record Row(RunResult result, List<Verifier.Mismatch> mismatches) {
        public boolean verified() {
            return mismatches.isEmpty();
        }
    }

    public BenchReport {
        tools = List.copyOf(tools);
        missing = List.copyOf(missing);
        mix = List.copyOf(mix);
        calls = List.copyOf(calls);
        rows = List.copyOf(rows);
    }

    /** The row of {@code backend} at {@code split}, if it ran. */
    public Optional<Row> row(Split split, Backend backend) {
        return rows.stream().filter(r -> r.result().split().equals(split) && r.result().backend() == backend)
                .findFirst();
    }

    /** calls/s of {@code row} relative to ProcessBuilder at the same split, in percent; empty without one. */
    public Optional<Double> deltaVsProcessBuilder(Row row) {
        return row(row.result().split(), Backend.PROCESS_BUILDER)
                .map(pb -> (row.result().callsPerSecond() / pb.result().callsPerSecond() - 1) * 100);
    }

    /** Whether every run agreed with the reference. */
    public boolean verified() {
        return rows.stream().allMatch(Row::verified);
    }

    /** Mean latency in ms of {@code tool}'s calls on {@code backend}, over all splits; NaN if none ran. */
    public double meanMillis(Tool tool, Backend backend) {
        return rows.stream().filter(row -> row.result().backend() == backend)
                .flatMap(row -> row.result().outcomes().stream())
                .filter(outcome -> outcome.index() < calls.size() && calls.get(outcome.index()).tool() == tool)
                .mapToLong(CallOutcome::micros).average().orElse(Double.NaN) / 1000.0;
    }

    /** How many calls of the mix use {@code tool}. */
    public long callsOf(Tool tool) {
        return calls.stream().filter(call -> call.tool() == tool).count();
    }

    /** {@code +12.3%}, or {@code -} for none. */
    public static String percent(Optional<Double> delta) {
        return delta.map(d -> String.format("%+.1f%%", d)).orElse("-");
    }
}
