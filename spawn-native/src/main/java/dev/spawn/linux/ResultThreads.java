package dev.spawn.linux;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Completes the futures of {@code callAsync} off the loop, so no stage a caller chains on one
 * runs on the loop thread, and no stage that blocks — even on another call's future — holds
 * the other calls' results forever.
 *
 * <p>One drainer thread at a time runs the queued completions while they keep moving, so a
 * burst of a thousand results costs one thread, not one each (a pool that hands each completion
 * to an idle thread or else starts one grows with every burst). When completions have waited
 * {@link #STALL_NANOS} and no drainer took any of them, the drainer is held by a stage, and
 * another starts: a blocked stage delays the results queued behind it by about that much. A
 * drainer that finds the queue empty leaves, so the next result starts a drainer at once even
 * while an earlier one is still held. Drainers run on a cached pool of daemon threads named
 * {@code spawn-tool-results-N}, which end after {@link #IDLE_SECONDS} without work.
 */
final class ResultThreads {
    /** How long queued completions may stand still before another drainer starts. */
    static final long STALL_NANOS = 50_000_000;
    private static final long IDLE_SECONDS = 60;

    private final Reaper loop;
    private final Executor threads = pool();
    private final Queue<Runnable> pending = new ConcurrentLinkedQueue<>();
    /**
     * Whether a drainer is polling the queue, or has been started to: a drainer held by a stage
     * counts only until another drainer found the queue empty and left.
     */
    private final AtomicBoolean polling = new AtomicBoolean();
    /** Completions taken by drainers so far: a stall check that sees it unchanged found them stuck. */
    private final AtomicLong taken = new AtomicLong();
    /** Whether a stall check is scheduled; loop thread only. */
    private boolean checking;
    /** {@link #taken} when the scheduled stall check was scheduled; loop thread only. */
    private long takenBefore;

    ResultThreads(Reaper loop) {
        this.loop = loop;
    }

    /** Runs {@code completion}, which must not throw, on a drainer; loop thread only. */
    void execute(Runnable completion) {
        pending.add(completion);
        if (polling.compareAndSet(false, true)) {
            startDrainer();
        } else {
            checkForStallSoon();
        }
    }

    private void startDrainer() {
        try {
            threads.execute(this::drain);
        } catch (RuntimeException | Error cannotStart) {
            // no thread (the process is out of them): the stall check tries again
            polling.set(false);
            checkForStallSoon();
            throw cannotStart;
        }
    }

    private void checkForStallSoon() {
        if (!checking) {
            checking = true;
            takenBefore = taken.get();
            loop.schedule(System.nanoTime() + STALL_NANOS, this::checkForStall);
        }
    }

    private void checkForStall() {
        checking = false;
        if (pending.isEmpty()) {
            return;
        }
        if (taken.get() == takenBefore) {
            polling.set(true);
            startDrainer();
        }
        checkForStallSoon();
    }

    private void drain() {
        while (true) {
            for (Runnable completion; (completion = pending.poll()) != null; ) {
                taken.incrementAndGet();
                completion.run();
            }
            polling.set(false);
            // a completion queued after the last poll may have seen this drainer polling and
            // started none
            if (pending.isEmpty() || !polling.compareAndSet(false, true)) {
                return;
            }
        }
    }

    private static Executor pool() {
        AtomicInteger started = new AtomicInteger();
        return new ThreadPoolExecutor(0, Integer.MAX_VALUE, IDLE_SECONDS, TimeUnit.SECONDS, new SynchronousQueue<>(),
                task -> {
                    Thread thread = new Thread(task, "spawn-tool-results-" + started.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
    }
}
