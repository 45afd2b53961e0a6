package dev.spawn.bench.agent;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Everything one runner invocation measured, for the text, CSV, JSON and SVG writers. A cell
 * (one backend at one split) has one run per round; its figure is the median calls/s of its runs,
 * with their min-max beside it. A ratio between two backends is taken round by round (both runs of
 * a pair come from one round, so they saw about the same background load): its figure is the
 * median of the per-round ratios, its range their min-max. The ratio of the two cells' medians,
 * the headline of earlier reports, stays available for comparing with them. {@code failure}, when
 * not null, says which run failed and why: the report then holds only the runs before it.
 */
public record BenchReport(RunnerOptions options, HostInfo host, List<ResolvedTool> tools, List<String> missing,
        List<Tool> mix, List<CallSpec> calls, List<Row> rows, String failure) {

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

    /** A report of a run in which every backend ran at every split in every round. */
    public BenchReport(RunnerOptions options, HostInfo host, List<ResolvedTool> tools, List<String> missing,
            List<Tool> mix, List<CallSpec> calls, List<Row> rows) {
        this(options, host, tools, missing, mix, calls, rows, null);
    }

    /** Whether every run finished; if not, {@link #failure} says which did not. */
    public boolean complete() {
        return failure == null;
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

    /** The warm-up calls each worker ran: {@code --warmup}, raised to one per tool of the mix. */
    public int warmupCalls() {
        return CallMix.warmupCount(options.warmupCalls(), mix);
    }

    /** Whether every run of the cell agreed with the reference. */
    public boolean verified(Split split, Engine backend) {
        return runs(split, backend).stream().allMatch(Row::verified);
    }

    /**
     * {@code backend}'s calls/s over {@code base}'s at {@code split}, round by round: the median
     * and min-max of the ratios of the rounds in which both ran. Empty when no round ran both.
     */
    public Optional<Spread> roundRatios(Split split, Engine backend, Engine base) {
        List<Double> perRound = new ArrayList<>();
        for (Row row : runs(split, backend)) {
            runs(split, base).stream().filter(b -> b.result().round() == row.result().round()).findFirst()
                    .ifPresent(b -> perRound.add(row.result().callsPerSecond() / b.result().callsPerSecond()));
        }
        return perRound.isEmpty() ? Optional.empty() : Optional.of(Spread.of(perRound));
    }

    /**
     * The median calls/s of {@code backend} over that of {@code base} at {@code split}: the
     * headline ratio of reports before {@link #roundRatios}, kept to compare with them. It pairs
     * no runs, so drift between rounds moves it. Empty unless both ran.
     */
    public Optional<Double> ratioOfMedians(Split split, Engine backend, Engine base) {
        Optional<Spread> bottom = callsPerSecond(split, base);
        return callsPerSecond(split, backend).flatMap(top -> bottom.map(b -> top.median() / b.median()));
    }

    /**
     * calls/s of {@code backend} relative to ProcessBuilder at {@code split}, in percent: the
     * median of the per-round ratios.
     */
    public Optional<Double> deltaVsProcessBuilder(Split split, Engine backend) {
        return roundRatios(split, backend, Engine.PROCESS_BUILDER).map(r -> (r.median() - 1) * 100);
    }

    /** The C reference the ratios are taken against: {@code c}, else {@code c-posix}, if asked. */
    public Optional<Engine> cReference() {
        if (options.backends().contains(Engine.C)) {
            return Optional.of(Engine.C);
        }
        return options.backends().contains(Engine.C_POSIX) ? Optional.of(Engine.C_POSIX) : Optional.empty();
    }

    /** The tools whose every call failed in the reference run ({@link BrokenTools}). */
    List<BrokenTools.Broken> brokenTools() {
        return rows.isEmpty() ? List.of() : BrokenTools.in(calls, rows.get(0).result().outcomes());
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
