package dev.spawn.bench.agent;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One backend at one split in one round: the wall time the runner measured from GO to the last
 * worker's DONE, every call's outcome, sorted by index, the CPU time the workers themselves
 * (JVMs or C drivers, not the tools they ran) spent over the timed calls, and what their JIT
 * compiler threads spent from READY to DONE, the calls and the wait for GO ({@code -1}: unknown;
 * always for the C driver).
 */
public record RunResult(Engine backend, Split split, int round, long wallNanos, List<CallOutcome> outcomes,
        List<String> workerStats, long workerCpuNanos, long workerJitNanos) {

    public RunResult {
        List<CallOutcome> sorted = new ArrayList<>(outcomes);
        sorted.sort(Comparator.comparingInt(CallOutcome::index));
        outcomes = List.copyOf(sorted);
        workerStats = List.copyOf(workerStats);
    }

    public int calls() {
        return outcomes.size();
    }

    public double seconds() {
        return wallNanos / 1e9;
    }

    public double callsPerSecond() {
        return calls() / seconds();
    }

    /** The workers' own CPU per call in ms (the spawning side's cost); NaN when unknown. */
    public double workerCpuMillisPerCall() {
        return workerCpuNanos < 0 || calls() == 0 ? Double.NaN : workerCpuNanos / 1e6 / calls();
    }

    /** The workers' JIT compiler threads' CPU from READY to DONE in seconds (all workers); NaN when unknown. */
    public double workerJitSeconds() {
        return workerJitNanos < 0 ? Double.NaN : workerJitNanos / 1e9;
    }

    /** The {@code p}-th percentile (0-100) of the calls' latencies, in milliseconds. */
    public double latencyMillis(double p) {
        if (outcomes.isEmpty()) {
            return 0;
        }
        long[] micros = outcomes.stream().mapToLong(CallOutcome::micros).sorted().toArray();
        int rank = (int) Math.ceil(p / 100.0 * micros.length) - 1;
        return micros[Math.max(0, Math.min(micros.length - 1, rank))] / 1000.0;
    }
}
