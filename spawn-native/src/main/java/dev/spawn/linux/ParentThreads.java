package dev.spawn.linux;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.IntSupplier;

/**
 * The threads that spawn children with a parent-death signal. {@code PR_SET_PDEATHSIG} fires
 * when the child's parent <em>thread</em> exits (prctl(2)); with {@code CLONE_VM|CLONE_VFORK}
 * and no {@code CLONE_PARENT} that is the thread that called clone. A caller's thread may be a
 * pool worker that retires after a minute idle, which would kill a long-running child while
 * the JVM lives on; so such spawns are handed to these threads, which are started once and
 * never leave their loop: they end only when the JVM does, which is exactly when the signal
 * should come. The hand-off costs a queue round trip per spawn (microseconds, beside a spawn's
 * ~0.5 ms).
 *
 * <p>{@link #COUNT} threads start with the class. A spawn holds its thread until the child
 * execs (CLONE_VFORK), which a child can put off for good: an OPEN action on a FIFO nobody
 * writes, an exec from a hung network mount. So a spawn that has waited {@link #STALL_MILLIS}
 * for a thread while every thread has been in one spawn for that long adds a thread, up to
 * {@link #MAX}, and such children cannot stop every other tool call in the JVM. A queue that
 * is merely long (a burst of calls, a GC pause) adds none. Added threads never leave either:
 * they may be the parents of children that outlive the stall.
 */
final class ParentThreads {
    static final int COUNT = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    /** Far above what normal spawns need (they hold a thread for under a millisecond). */
    static final int STALL_MILLIS = 50;
    static final int MAX = 64;
    private static final long STALL_NANOS = TimeUnit.MILLISECONDS.toNanos(STALL_MILLIS);
    private static final BlockingQueue<FutureTask<Integer>> QUEUE = new LinkedBlockingQueue<>();
    /** Per started thread, since when its current spawn runs ({@link System#nanoTime()}), 0 when idle. */
    private static final AtomicLongArray BUSY_SINCE = new AtomicLongArray(MAX);
    private static int started;

    static {
        for (int i = 0; i < COUNT; i++) {
            startThread();
        }
    }

    private ParentThreads() {
    }

    /** Callers hold the class lock (or are the class initialiser). */
    private static void startThread() {
        int index = started;
        Thread thread = new Thread(() -> serve(index), "spawn-parent-" + index);
        thread.setDaemon(true);
        thread.start();
        started++;
    }

    /** Never returns: a FutureTask keeps whatever its body throws, and nothing else can. */
    private static void serve(int index) {
        while (true) {
            try {
                FutureTask<Integer> task = QUEUE.take();
                BUSY_SINCE.set(index, Math.max(1, System.nanoTime()));
                try {
                    task.run();
                } finally {
                    BUSY_SINCE.set(index, 0);
                }
            } catch (Throwable ignored) {
                // interrupts and anything else: this thread must outlive every child it spawned
            }
        }
    }

    /** The number of parent threads started so far. */
    static synchronized int started() {
        return started;
    }

    private static synchronized void addThreadIfStalled(FutureTask<Integer> task) {
        if (started >= MAX || !QUEUE.contains(task)) {
            return;
        }
        long now = System.nanoTime();
        for (int i = 0; i < started; i++) {
            long since = BUSY_SINCE.get(i);
            if (since == 0 || now - since < STALL_NANOS) {
                return;
            }
        }
        try {
            startThread();
        } catch (Throwable noThread) {
            // no native thread to be had now: the caller goes on waiting, and asks again
        }
    }

    /**
     * Runs one native spawn call on a parent thread and returns its result. Waits without
     * giving up on interrupt (the interrupt is kept), and on anything else until the task has
     * run or is known never to: once the call ran a child exists, and only the caller can take
     * charge of it, and the call uses fds the caller closes when it returns.
     */
    static int call(IntSupplier spawnCall) {
        FutureTask<Integer> task = new FutureTask<>(spawnCall::getAsInt);
        QUEUE.add(task);
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return task.get(STALL_MILLIS, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    addThreadIfStalled(task);
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof RuntimeException) {
                        throw (RuntimeException) cause;
                    }
                    if (cause instanceof Error) {
                        throw (Error) cause;
                    }
                    throw new IllegalStateException(cause);
                } catch (Throwable waitFailed) {
                    // out of memory while waiting: leave only if the task will never run
                    if (QUEUE.remove(task)) {
                        throw waitFailed;
                    }
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
