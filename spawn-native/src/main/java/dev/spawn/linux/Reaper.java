package dev.spawn.linux;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One daemon thread that waits on the pidfds of every live child with epoll and completes their
 * exit futures, instead of one waiting thread per child. Every child is reaped, waited for or
 * not, so no zombie is left behind.
 */
final class Reaper implements Runnable {
    static final Logger LOG = LoggerFactory.getLogger(Reaper.class);
    private static final int BATCH = 64;
    private static volatile Reaper instance;

    private final int epoll;
    private final Map<Long, PidfdProcess> children = new ConcurrentHashMap<>();
    private final AtomicLong tokens = new AtomicLong();

    private Reaper(int epoll) {
        this.epoll = epoll;
    }

    static Reaper get() {
        Reaper reaper = instance;
        if (reaper == null) {
            synchronized (Reaper.class) {
                reaper = instance;
                if (reaper == null) {
                    int epoll = LibSpawn.spawn_epoll_create();
                    if (epoll < 0) {
                        throw new IllegalStateException("epoll_create1 failed: errno " + -epoll);
                    }
                    reaper = new Reaper(epoll);
                    Thread thread = new Thread(reaper, "spawn-reaper");
                    thread.setDaemon(true);
                    thread.start();
                    instance = reaper;
                }
            }
        }
        return reaper;
    }

    /** Watches {@code child}; level-triggered, so a child that already exited is seen at once. */
    void watch(PidfdProcess child) {
        long token = tokens.incrementAndGet();
        children.put(token, child);
        int fd = child.pidfdForReaper();
        try {
            int result = LibSpawn.spawn_epoll_add(epoll, fd, token);
            if (result < 0) {
                children.remove(token);
                throw new IllegalStateException("epoll_ctl(ADD) of a pidfd failed: errno " + -result);
            }
        } finally {
            child.releasePidfd();
        }
    }

    /** How many children are being watched now. */
    int watching() {
        return children.size();
    }

    @Override
    public void run() {
        long[] ready = new long[BATCH];
        while (true) {
            int count = LibSpawn.spawn_epoll_wait(epoll, ready, BATCH, -1);
            if (count < 0) {
                LOG.error("epoll_wait failed: errno {}; the reaper stops", -count);
                return;
            }
            for (int i = 0; i < count; i++) {
                PidfdProcess child = children.get(ready[i]);
                if (child == null) {
                    continue;
                }
                if (child.collect()) {
                    children.remove(ready[i]);
                    removeFromEpoll(child);
                    child.closePidfd();
                }
            }
        }
    }

    private void removeFromEpoll(PidfdProcess child) {
        try {
            int fd = child.pidfdForReaper();
            try {
                LibSpawn.spawn_epoll_del(epoll, fd);
            } finally {
                child.releasePidfd();
            }
        } catch (IllegalStateException alreadyClosed) {
            // a closed pidfd has left the epoll set by itself
        }
    }
}
