package dev.spawn.linux;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.IntSupplier;

/**
 * The threads that spawn children with a parent-death signal. {@code PR_SET_PDEATHSIG} fires
 * when the child's parent <em>thread</em> exits (prctl(2)); with {@code CLONE_VM|CLONE_VFORK}
 * and no {@code CLONE_PARENT} that is the thread that called clone. A caller's thread may be a
 * pool worker that retires after a minute idle, which would kill a long-running child while
 * the JVM lives on; so such spawns are handed to these threads, which are started once and
 * never leave their loop: they end only when the JVM does, which is exactly when the signal
 * should come. The hand-off costs a queue round trip per spawn (microseconds, beside a spawn's
 * ~0.5 ms), and at most {@link #COUNT} such spawns run at once.
 */
final class ParentThreads {
    static final int COUNT = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    private static final BlockingQueue<FutureTask<Integer>> QUEUE = start();

    private ParentThreads() {
    }

    private static BlockingQueue<FutureTask<Integer>> start() {
        BlockingQueue<FutureTask<Integer>> queue = new LinkedBlockingQueue<>();
        for (int i = 0; i < COUNT; i++) {
            Thread thread = new Thread(() -> serve(queue), "spawn-parent-" + i);
            thread.setDaemon(true);
            thread.start();
        }
        return queue;
    }

    /** Never returns: a FutureTask keeps whatever its body throws, and nothing else can. */
    private static void serve(BlockingQueue<FutureTask<Integer>> queue) {
        while (true) {
            try {
                queue.take().run();
            } catch (Throwable ignored) {
                // interrupts and anything else: this thread must outlive every child it spawned
            }
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
                    return task.get();
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
