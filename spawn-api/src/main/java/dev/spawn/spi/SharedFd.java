package dev.spawn.spi;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * An fd used by several threads at once: {@link #close()} is idempotent and the fd is only
 * really closed once no thread holds it, so a close racing a spawn or a signal can never free
 * (and let the kernel recycle) a number that is still being used.
 */
public final class SharedFd {
    private static final int CLOSED = 1;
    private static final int USER = 2;
    private static final int RELEASED = -1;

    private final int fd;
    private final IntConsumer closer;
    /** users * 2, plus 1 once close was asked; -1 once the fd is gone. */
    private final AtomicInteger state = new AtomicInteger();

    /**
     * @param fd the fd, now owned by this holder
     * @param closer closes it, called exactly once
     */
    public SharedFd(int fd, IntConsumer closer) {
        if (fd < 0) {
            throw new IllegalArgumentException("fd " + fd + " is negative");
        }
        this.fd = fd;
        this.closer = closer;
    }

    /**
     * Marks the fd in use and returns it; pair with {@link #release()}.
     *
     * @throws IllegalStateException once {@link #close()} was called
     */
    public int acquire() {
        int held = tryAcquire();
        if (held < 0) {
            throw new IllegalStateException("fd " + fd + " is closed");
        }
        return held;
    }

    /**
     * As {@link #acquire()}, for callers to whom a closed fd is an expected state rather than an
     * error: no exception to build, and no message code in their compiled paths.
     *
     * @return the fd, or -1 once {@link #close()} was called
     */
    public int tryAcquire() {
        while (true) {
            int current = state.get();
            if (current < 0 || (current & CLOSED) != 0) {
                return -1;
            }
            if (state.compareAndSet(current, current + USER)) {
                return fd;
            }
        }
    }

    /** Ends a use begun by {@link #acquire()}. */
    public void release() {
        if (state.addAndGet(-USER) == CLOSED) {
            closeNow();
        }
    }

    /** Closes the fd now, or when the last user releases it. */
    public void close() {
        while (true) {
            int current = state.get();
            if (current < 0 || (current & CLOSED) != 0) {
                return;
            }
            if (state.compareAndSet(current, current | CLOSED)) {
                if (current == 0) {
                    closeNow();
                }
                return;
            }
        }
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        int current = state.get();
        return current < 0 || (current & CLOSED) != 0;
    }

    private void closeNow() {
        if (state.compareAndSet(CLOSED, RELEASED)) {
            closer.accept(fd);
        }
    }

    @Override
    public String toString() {
        return "fd " + fd + (isClosed() ? " (closed)" : "");
    }
}
