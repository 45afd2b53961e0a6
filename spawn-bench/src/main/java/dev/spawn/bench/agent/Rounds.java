package dev.spawn.bench.agent;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs every backend at every split, round after round, checks each run against the reference
 * (the first run of the first backend asked: ProcessBuilder when asked, as it is moved first and
 * round 1 runs the list unrotated), and says how each went. A run that fails stops the rounds,
 * and the runs before it are kept: hours of runs are not lost to the last one.
 */
final class Rounds {
    /** The runs that finished, in order, and what stopped the rounds ({@code null}: nothing did). */
    record Outcome(List<BenchReport.Row> rows, String failure) {
        Outcome {
            rows = List.copyOf(rows);
        }
    }

    private final RunnerOptions options;
    private final SplitRun splitRun;
    private final List<CallSpec> calls;
    private final PrintStream progress;
    private final int warmupCalls;

    /** {@code warmupCalls}: the warm-up calls each worker makes, as {@link CallMix#warmupCount} counts them. */
    Rounds(RunnerOptions options, SplitRun splitRun, List<CallSpec> calls, int warmupCalls, PrintStream progress) {
        this.options = options;
        this.warmupCalls = warmupCalls;
        this.splitRun = splitRun;
        this.calls = List.copyOf(calls);
        this.progress = progress;
    }

    /**
     * Runs them all, or up to the first that fails.
     *
     * @throws WorkerInterrupted when a worker was stopped by a signal: the run as a whole was interrupted
     */
    Outcome run() throws InterruptedException {
        List<BenchReport.Row> rows = new ArrayList<>();
        List<CallOutcome> reference = null;
        int total = options.repeat() * options.splits().size() * options.backends().size();
        int step = 0;
        for (int round = 0; round < options.repeat(); round++) {
            for (Split split : options.splits()) {
                for (Engine backend : AgentToolsCommand.order(options.backends(), round, options.repeat())) {
                    step++;
                    String run = String.format("[%d/%d] round %d %s %s", step, total, round + 1, split,
                            backend.label());
                    progress.printf("%s: %d worker %s x %d in flight, warming up...%n", run, split.workers(),
                            backend.isC() ? "driver(s)" : "JVM(s)", split.inFlight());
                    RunResult result;
                    List<Verifier.Mismatch> mismatches;
                    try {
                        result = splitRun.run(backend, split, round, started -> progress.printf(
                                "%s: warming up, %,d of the %s warm-up calls started%n", run, started,
                                warmupPlan(split)));
                        mismatches = Verifier.compare(reference == null ? result.outcomes() : reference,
                                result.outcomes(), calls);
                    } catch (WorkerInterrupted e) {
                        throw e;
                    } catch (IOException | RuntimeException e) {
                        // a worker's failure names its log, where its details are; anything else is unexpected
                        if (!(e instanceof WorkerFailure)) {
                            e.printStackTrace(progress);
                        }
                        return new Outcome(rows, run + " failed: " + e.getMessage());
                    }
                    if (reference == null) {
                        reference = result.outcomes();
                        for (BrokenTools.Broken tool : BrokenTools.in(calls, reference)) {
                            progress.println(options.preset().command() + ": " + tool.warning());
                        }
                    }
                    rows.add(new BenchReport.Row(result, mismatches));
                    progress.printf("%s: %d calls in %.2f s = %.1f calls/s, %s%n", run, result.calls(),
                            result.seconds(), result.callsPerSecond(), mismatches.isEmpty() ? "all match the reference"
                                    : mismatches.size() + " MISMATCHES, first: " + mismatches.get(0));
                }
            }
        }
        return new Outcome(rows, null);
    }

    /** {@code 2 x 32}: the warm-up calls each worker starts, settle batches aside. */
    private String warmupPlan(Split split) {
        return split.workers() + " x " + warmupCalls + (options.settleJit() ? " (and settle batches)" : "");
    }
}
