package dev.spawn.linux;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Parks a virtual thread until a pipe is ready, the spawn loop's epoll watching the fd meanwhile,
 * so that a read or write of a child's stream never blocks a carrier in native code.
 */
final class FdReadiness {
    private static final int WAITING = 0;
    private static final int READY = 1;
    private static final int REFUSED = 2;

    private FdReadiness() {
    }

    /** Parks until {@code fd} is readable (or hung up); see {@link #await}. */
    static void awaitReadable(int fd) {
        while (!ready(fd, LibSpawn.EPOLL_IN) && await(fd, LibSpawn.EPOLL_IN)) {
            // woken when it was ready; another reader of the pipe may have emptied it since
        }
    }

    /** Parks until a write of up to a page to {@code fd} would not block; see {@link #await}. */
    static void awaitWritable(int fd) {
        while (!ready(fd, LibSpawn.EPOLL_OUT) && await(fd, LibSpawn.EPOLL_OUT)) {
            // as above
        }
    }

    /** poll(2) with no wait; an error counts as ready, for the read or write to report it. */
    private static boolean ready(int fd, int events) {
        return (events == LibSpawn.EPOLL_IN ? LibSpawn.spawn_poll_in(fd, 0) : LibSpawn.spawn_poll_out(fd, 0)) != 0;
    }

    /**
     * Parks the calling thread until the loop saw {@code fd} ready for {@code events}; false,
     * at once, when the loop cannot watch it (epoll_ctl refused it), and the caller then blocks
     * in native code after all. The caller keeps the fd open meanwhile. Like the JDK's pipe
     * streams, the wait does not end at an interrupt, whose status is kept for the caller.
     */
    private static boolean await(int fd, int events) {
        Reaper loop = Reaper.get();
        Thread waiter = Thread.currentThread();
        AtomicInteger state = new AtomicInteger(WAITING);
        loop.execute(() -> {
            try {
                long[] token = new long[1];
                token[0] = loop.register(fd, events, () -> {
                    // the loop without epoll calls every handler each turn: wake only a ready waiter
                    if (ready(fd, events)) {
                        loop.unregister(token[0], fd);
                        wake(state, READY, waiter);
                    }
                });
                if (token[0] < 0) {
                    wake(state, REFUSED, waiter);
                }
            } catch (Throwable failure) {
                // the loop logs it and goes on; the waiter must not park for good
                wake(state, REFUSED, waiter);
                throw failure;
            }
        });
        boolean interrupted = false;
        while (state.get() == WAITING) {
            LockSupport.park(FdReadiness.class);
            interrupted |= Thread.interrupted();
        }
        if (interrupted) {
            waiter.interrupt();
        }
        return state.get() == READY;
    }

    private static void wake(AtomicInteger state, int to, Thread waiter) {
        state.set(to);
        LockSupport.unpark(waiter);
    }
}
