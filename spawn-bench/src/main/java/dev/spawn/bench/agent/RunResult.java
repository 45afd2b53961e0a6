package dev.spawn.bench.agent;

import dev.spawn.Backend;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One backend at one split: the wall time the runner measured from GO to the last worker's
 * DONE, and every call's outcome, sorted by index.
 */
public record RunResult(Backend backend, Split split, long wallNanos, List<CallOutcome> outcomes,
        List<String> workerStats) {

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
