package dev.spawn.bench.agent;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Everything one runner invocation measured, for the text, CSV, JSON and SVG writers. A cell
 * (one backend at one split) has one run per round; its figure is the median calls/s of its runs,
 * with their min-max beside it. Ratios between backends are ratios of cell medians, and their
 * spread is the range of the same ratio taken round by round (both runs of a pair come from one
 * round, so they saw about the same background load).
 */
public record BenchReport(RunnerOptions options, HostInfo host, List<ResolvedTool> tools, List<String> missing,
        List<Tool> mix, List<CallSpec> calls, List<Row> rows) {

    /** One backend at one split in one round, with its check against the reference. */
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

    /** The runs of {@code backend} at {@code split}, in round order. */
    public List<Row> runs(Split split, Engine backend) {
        return rows.stream().filter(r -> r.result().split().equals(split) && r.result().backend() == backend)
                .toList();
    }

    /** calls/s of {@code backend} at {@code split} over the rounds; empty if it did not run. */
    public Optional<Spread> callsPerSecond(Split split, Engine backend) {
        List<Double> values = runs(split, backend).stream().map(r -> r.result().callsPerSecond()).toList();
        return values.isEmpty() ? Optional.empty() : Optional.of(Spread.of(values));
    }

    /** The workers' own CPU ms per call of {@code backend} at {@code split} over the rounds; empty if unknown. */
    public Optional<Spread> workerCpuMillisPerCall(Split split, Engine backend) {
        List<Double> values = runs(split, backend).stream().map(r -> r.result().workerCpuMillisPerCall())
                .filter(v -> !v.isNaN()).toList();
        return values.isEmpty() ? Optional.empty() : Optional.of(Spread.of(values));
    }

    /** Whether every run of the cell agreed with the reference. */
    public boolean verified(Split split, Engine backend) {
        return runs(split, backend).stream().allMatch(Row::verified);
    }

    /**
     * {@code backend}'s calls/s over {@code base}'s at {@code split}: the median is the ratio of the
     * cells' medians, the range that of the per-round ratios. Empty unless both ran.
     */
    public Optional<Spread> ratio(Split split, Engine backend, Engine base) {
        Optional<Spread> top = callsPerSecond(split, backend);
        Optional<Spread> bottom = callsPerSecond(split, base);
        if (top.isEmpty() || bottom.isEmpty()) {
            return Optional.empty();
        }
        List<Double> perRound = new ArrayList<>();
        for (Row row : runs(split, backend)) {
            runs(split, base).stream().filter(b -> b.result().round() == row.result().round()).findFirst()
                    .ifPresent(b -> perRound.add(row.result().callsPerSecond() / b.result().callsPerSecond()));
        }
        double median = top.get().median() / bottom.get().median();
        if (perRound.isEmpty()) {
            return Optional.of(new Spread(median, median, median, 1));
        }
        Spread rounds = Spread.of(perRound);
        return Optional.of(new Spread(median, Math.min(median, rounds.min()), Math.max(median, rounds.max()),
                rounds.count()));
    }

    /** calls/s of {@code backend} relative to ProcessBuilder at {@code split}, in percent (median). */
    public Optional<Double> deltaVsProcessBuilder(Split split, Engine backend) {
        return ratio(split, backend, Engine.PROCESS_BUILDER).map(r -> (r.median() - 1) * 100);
    }

    /** The C reference the ratios are taken against: {@code c}, else {@code c-posix}, if asked. */
    public Optional<Engine> cReference() {
        if (options.backends().contains(Engine.C)) {
            return Optional.of(Engine.C);
        }
        return options.backends().contains(Engine.C_POSIX) ? Optional.of(Engine.C_POSIX) : Optional.empty();
    }

    /** Whether every run agreed with the reference. */
    public boolean verified() {
        return rows.stream().allMatch(Row::verified);
    }

    /** Mean latency in ms of {@code tool}'s calls on {@code backend}, over all splits and rounds; NaN if none. */
    public double meanMillis(Tool tool, Engine backend) {
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

    /** A ratio as {@code +60% [+52%-+66%]} over ProcessBuilder. */
    public static String percentSpread(Optional<Spread> ratio) {
        return ratio.map(r -> {
            String mid = String.format("%+.0f%%", (r.median() - 1) * 100);
            return r.count() < 2 ? mid : mid + String.format(" [%+.0f%%..%+.0f%%]", (r.min() - 1) * 100,
                    (r.max() - 1) * 100);
        }).orElse("-");
    }
}
