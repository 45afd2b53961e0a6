package dev.spawn.linux;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * writes, an exec from a hung network mount. So a spawn still queued after {@link
 * #STALL_MILLIS} adds a thread, up to {@link #MAX}, and such children cannot stop every other
 * tool call in the JVM. Added threads never leave either: they may be the parents of children
 * that outlive the stall.
 */
final class ParentThreads {
    static final int COUNT = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    /** Far above what normal spawns need (they hold a thread for under a millisecond). */
    static final int STALL_MILLIS = 50;
    static final int MAX = 64;
    private static final BlockingQueue<FutureTask<Integer>> QUEUE = new LinkedBlockingQueue<>();
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
        Thread thread = new Thread(ParentThreads::serve, "spawn-parent-" + started);
        thread.setDaemon(true);
        thread.start();
        started++;
    }

    /** Never returns: a FutureTask keeps whatever its body throws, and nothing else can. */
    private static void serve() {
        while (true) {
            try {
                QUEUE.take().run();
            } catch (Throwable ignored) {
                // interrupts and anything else: this thread must outlive every child it spawned
            }
        }
    }

    /** The number of parent threads started so far. */
    static synchronized int started() {
        return started;
    }

    private static synchronized void addThreadIfStillQueued(FutureTask<Integer> task) {
        if (started < MAX && QUEUE.contains(task)) {
            startThread();
        }
    }

    /**
     * Runs one native spawn call on a parent thread and returns its result. Waits without
     * giving up on interrupt (the interrupt is kept): once the call ran a child exists, and
     * only the caller can take charge of it.
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
                    addThreadIfStillQueued(task);
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
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
