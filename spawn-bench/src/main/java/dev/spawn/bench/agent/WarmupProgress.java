package dev.spawn.bench.agent;

import java.util.function.Consumer;

/**
 * A warming worker's {@link WorkerProtocol#WARMING} lines: the warm-up calls started so far, over
 * the warm-up and every settle batch after it, sent only when the count moved. A worker whose
 * calls hang stops sending them, and the runner's wait for READY ends; a long warm-up keeps
 * sending them, and runs to its end.
 */
final class WarmupProgress {
    /** How often a warming worker reports, well inside the runner's patience with a silent one. */
    static final long INTERVAL_MILLIS = 1000;

    private final Consumer<String> send;
    private long earlierBatches;
    private long lastSent;

    /** {@code send} writes one protocol line (without the prefix). */
    WarmupProgress(Consumer<String> send) {
        this.send = send;
    }

    /** {@code started} calls of the current batch have started. */
    void started(long started) {
        long total = earlierBatches + started;
        if (total != lastSent) {
            lastSent = total;
            send.accept(WorkerProtocol.WARMING + " " + total);
        }
    }

    /** The current batch of {@code size} calls has finished. */
    void batchDone(long size) {
        earlierBatches += size;
    }
}
