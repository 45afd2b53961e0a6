package dev.spawn.linux;

import dev.spawn.spi.Errno;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one event-loop thread of spawn-native ({@code spawn-reaper}). It waits with epoll on
 * <ul>
 * <li>the pidfd of a {@link PidfdProcess} that nobody waits for, completing its exit future
 *     (every child is reaped, waited for or not, so no zombie is left behind). A waiter reaps
 *     its child itself, so the loop takes a child's pidfd only {@link #WATCH_DELAY_NANOS} after
 *     the spawn, or when a waiter is about to block: a short-lived child that is waited for
 *     costs the loop no epoll registration and no wake-up;
 * <li>the fds of every {@link ToolRun}: its pidfd, its non-blocking pipe ends and, for stdin
 *     bytes, the write end ({@link Handler}s);
 * <li>an eventfd that other threads signal after queueing a task ({@link #execute});
 * </ul>
 * and runs timers (timeouts, kill grace periods, drain deadlines) from a deadline queue whose
 * earliest entry is the epoll_wait timeout. So a thousand tool calls in flight cost this one
 * thread, not two pump threads each. Handlers, tasks and timers run on this thread only, must
 * never block, and may touch loop-only state without locks.
 */
final class Reaper implements Runnable {
    static final Logger LOG = LoggerFactory.getLogger(Reaper.class);
    private static final int BATCH = 64;
    private static final long WAKE_TOKEN = 0;
    private static final long RETRY_NANOS = 10_000_000;
    /** How often the loop looks at everything once epoll has failed. */
    private static final int POLL_MILLIS = 10;
    /** Cancelled timers tolerated in the queue before a purge is considered. */
    private static final int PURGE_MIN = 64;
    /**
     * How long a child may run before the loop watches it unasked. Long enough that a tool call
     * whose caller reads its output and waits is reaped by the caller (most take 1-50 ms), short
     * enough that a child nobody waits for stays a zombie only briefly.
     */
    static final long WATCH_DELAY_NANOS = 50_000_000;
    private static volatile Reaper instance;

    /** Called on the loop thread when its fd is ready (readable, writable, hung up or in error). */
    interface Handler {
        void ready();
    }

    /** A deadline on the loop; {@link #cancel()} on the loop thread only. */
    static final class Timer implements Comparable<Timer> {
        private final Reaper owner;
        private final long deadline;
        /** Dropped at cancel: a cancelled timer may wait in the queue until its deadline or a purge. */
        private Runnable action;
        private final long order;
        private boolean cancelled;
        /** In the queue: scheduled and not yet taken from it. */
        private boolean queued = true;

        private Timer(Reaper owner, long deadline, Runnable action, long order) {
            this.owner = owner;
            this.deadline = deadline;
            this.action = action;
            this.order = order;
        }

        /**
         * Marks the timer: it leaves the queue when it reaches the head, or at the next purge.
         * The action (and all its call holds: captured output, the result) is released now.
         */
        void cancel() {
            if (cancelled) {
                return;
            }
            cancelled = true;
            action = null;
            if (queued) {
                owner.cancelledQueued();
            }
        }

        @Override
        public int compareTo(Timer other) {
            int byTime = Long.compare(deadline - other.deadline, 0);
            return byTime != 0 ? byTime : Long.compare(order, other.order);
        }
    }

    private final int epoll;
    private final int wake;
    private final Map<Long, Object> watched = new ConcurrentHashMap<>();
    private final AtomicLong tokens = new AtomicLong();
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    /** Children not yet watched, in spawn order; {@link #sweep} runs while it is not empty. */
    private final Queue<PidfdProcess> unwatched = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean sweeping = new AtomicBoolean();
    private final AtomicBoolean warnedRefusal = new AtomicBoolean();
    /** Children whose pidfd epoll refused, reaped by {@link #pollRefused} while it is not empty. */
    private final Queue<PidfdProcess> polled = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean polling = new AtomicBoolean();
    private long timerOrder;
    /** Cancelled timers still in {@link #timers}; loop thread only. */
    private int cancelledTimers;
    private volatile Thread thread;
    /** Set once, when an epoll call found the epoll fd gone. */
    private volatile boolean epollFailed;
    /** Made once: a sweep queued while memory runs out must not fail to allocate its task. */
    private final Runnable sweepTask = this::sweep;
    private final BooleanSupplier pollRefusedAttempt = this::pollRefused;

    private Reaper(int epoll, int wake) {
        this.epoll = epoll;
        this.wake = wake;
    }

    static Reaper get() {
        Reaper reaper = instance;
        if (reaper == null) {
            synchronized (Reaper.class) {
                reaper = instance;
                if (reaper == null) {
                    int epoll = LibSpawn.spawn_epoll_create();
                    if (epoll < 0) {
                        throw new IllegalStateException("epoll_create1 failed: " + Errno.describe(-epoll));
                    }
                    int wake = LibSpawn.spawn_eventfd();
                    int added = wake < 0 ? wake : LibSpawn.spawn_epoll_add(epoll, wake, WAKE_TOKEN);
                    if (added < 0) {
                        // the next spawn tries again: leave nothing open behind
                        if (wake >= 0) {
                            LibSpawn.spawn_close(wake);
                        }
                        LibSpawn.spawn_close(epoll);
                        throw new IllegalStateException((wake < 0 ? "eventfd" : "epoll_ctl")
                                + " for the spawn loop failed: " + Errno.describe(-added));
                    }
                    reaper = new Reaper(epoll, wake);
                    Thread loop = new Thread(reaper, "spawn-reaper");
                    loop.setDaemon(true);
                    reaper.thread = loop;
                    try {
                        loop.start();
                    } catch (Throwable t) {
                        // no native thread to be had: the next spawn tries again
                        LibSpawn.spawn_close(wake);
                        LibSpawn.spawn_close(epoll);
                        throw t;
                    }
                    instance = reaper;
                }
            }
        }
        return reaper;
    }

    /**
     * Watches {@code child} from {@link #WATCH_DELAY_NANOS} (at most 1.5 times that) after its
     * spawn unless it was reaped by then. One timer serves all such children.
     */
    void watchSoon(PidfdProcess child) {
        unwatched.add(child);
        if (sweeping.compareAndSet(false, true)) {
            try {
                execute(sweepTask);
            } catch (Throwable t) {
                // out of memory queueing it: the child exists, so this must not fail its spawn;
                // it waits in the queue for the next spawn's sweep (or its own waiter)
                sweeping.set(false);
            }
        }
    }

    /** On the loop: watches the children that reached the delay, then waits for the next one's. */
    private void sweep() {
        long now = System.nanoTime();
        try {
            PidfdProcess head;
            while ((head = unwatched.peek()) != null && now - head.spawnedAt >= WATCH_DELAY_NANOS) {
                unwatched.poll();
                if (head.claimWatch()) {
                    watch(head);
                }
            }
        } finally {
            // whatever one child's watch threw, the children after it still get their sweep
            sweepAgain(now);
        }
    }

    private void sweepAgain(long now) {
        PidfdProcess head = unwatched.peek();
        if (head == null) {
            sweeping.set(false);
            // a child queued after the last peek saw the flag still set: sweep for it
            if (unwatched.isEmpty() || !sweeping.compareAndSet(false, true)) {
                return;
            }
            head = unwatched.peek();
        }
        // at most one sweep per half delay: a child then waits 1 to 1.5 delays, and a stream of
        // spawns costs the loop a few wake-ups a second, not one per child
        long due = head.spawnedAt + WATCH_DELAY_NANOS;
        long earliest = now + WATCH_DELAY_NANOS / 2;
        try {
            schedule(due - earliest > 0 ? due : earliest, sweepTask);
        } catch (Throwable t) {
            // out of memory for the timer: the next spawn's watchSoon queues the sweep again
            sweeping.set(false);
            throw t;
        }
    }

    /**
     * Watches {@code child}, whose registration the caller claimed; level-triggered, so a child
     * that already exited is seen at once. When epoll refuses the pidfd (ENOMEM, ENOSPC at
     * {@code fs.epoll.max_user_watches}) the child is reaped by polling instead: one 10 ms timer
     * for all such children, which may be many once the limit is reached.
     */
    void watch(PidfdProcess child) {
        long token = tokens.incrementAndGet();
        watched.put(token, child);
        if (epollFailed) {
            return;
        }
        int result;
        int fd = child.pidfdForReaper();
        try {
            result = LibSpawn.spawn_epoll_add(epoll, fd, token);
        } finally {
            child.releasePidfd();
        }
        if (result < 0 && epollGone(result)) {
            return;
        }
        if (result < 0) {
            watched.remove(token);
            if (warnedRefusal.compareAndSet(false, true)) {
                LOG.warn("cannot watch the pidfd of child {} (epoll_ctl: {}); reaping it and any other such child by"
                        + " polling every 10 ms (logged once)", child.pid(), Errno.describe(-result));
            }
            polled.add(child);
            if (polling.compareAndSet(false, true)) {
                try {
                    retryUntilDone(pollRefusedAttempt);
                } catch (Throwable t) {
                    polling.set(false);
                    throw t;
                }
            }
        }
    }

    /** On the loop: reaps the refused children that exited; true once none is left to poll. */
    private boolean pollRefused() {
        polled.removeIf(child -> {
            if (!child.collect()) {
                return false;
            }
            child.closePidfd();
            return true;
        });
        if (!polled.isEmpty()) {
            return false;
        }
        polling.set(false);
        // a child refused after the check above saw the flag still set: poll on for it
        return polled.isEmpty() || !polling.compareAndSet(false, true);
    }

    /**
     * Adds {@code fd} for {@code events} (LibSpawn.EPOLL_*); returns the token for
     * {@link #unregister}. On the loop thread, so the handler cannot run before its owner is ready.
     *
     * @return the token, or -errno when epoll_ctl failed
     */
    long register(int fd, int events, Handler handler) {
        assert inLoop();
        long token = tokens.incrementAndGet();
        watched.put(token, handler);
        if (epollFailed) {
            return token;
        }
        int result = LibSpawn.spawn_epoll_add_events(epoll, fd, events, token);
        if (result < 0 && epollGone(result)) {
            return token;
        }
        if (result < 0) {
            watched.remove(token);
            return result;
        }
        return token;
    }

    /** Removes {@code fd} (still open) from the loop; its handler is not called again. */
    void unregister(long token, int fd) {
        assert inLoop();
        if (watched.remove(token) != null && !epollFailed) {
            LibSpawn.spawn_epoll_del(epoll, fd);
        }
    }

    /** Runs {@code task} on the loop thread soon (at once when called from it: after the current event). */
    void execute(Runnable task) {
        tasks.add(task);
        if (!inLoop()) {
            if (epollFailed) {
                // the eventfd may have gone the way of the epoll fd: its number may be a stranger's
                LockSupport.unpark(thread);
            } else {
                LibSpawn.spawn_eventfd_signal(wake);
            }
        }
    }

    /** Runs {@code action} on the loop at {@code deadline} ({@link System#nanoTime()}); loop thread only. */
    Timer schedule(long deadline, Runnable action) {
        assert inLoop();
        Timer timer = new Timer(this, deadline, action, timerOrder++);
        timers.add(timer);
        return timer;
    }

    /**
     * A cancelled timer waits in the queue until its deadline, which for a tool call's timeout
     * may be hours away: a runtime making a thousand calls a second with a ten-minute timeout
     * would keep 600,000 of them. Once more than half the queue is cancelled, it is purged, as
     * java.util.Timer's purge does, so the queue stays within twice the live timers.
     */
    private void cancelledQueued() {
        cancelledTimers++;
        if (cancelledTimers > PURGE_MIN && cancelledTimers * 2 > timers.size()) {
            timers.removeIf(timer -> {
                if (timer.cancelled) {
                    timer.queued = false;
                    return true;
                }
                return false;
            });
            cancelledTimers = 0;
        }
    }

    /** Takes the queue's head, keeping the count of cancelled timers in it. */
    private Timer pollTimer() {
        Timer head = timers.poll();
        head.queued = false;
        if (head.cancelled) {
            cancelledTimers--;
        }
        return head;
    }

    /** How many timers wait in the queue, cancelled ones included; loop thread only (for tests). */
    int queuedTimers() {
        assert inLoop();
        return timers.size();
    }

    /**
     * Runs {@code attempt} on the loop soon, then every 10 ms until it returns true: for work
     * that cannot wait on epoll, such as reaping a killed child whose pidfd the loop could not
     * watch (a child in uninterruptible sleep may take long to die; nothing may block here).
     */
    void retryUntilDone(BooleanSupplier attempt) {
        execute(() -> attemptOrRetry(attempt));
    }

    private void attemptOrRetry(BooleanSupplier attempt) {
        if (!attempt.getAsBoolean()) {
            schedule(System.nanoTime() + RETRY_NANOS, () -> attemptOrRetry(attempt));
        }
    }

    boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    /**
     * Every child's exit and every tool call's progress depend on this thread, so nothing may
     * end it: an OutOfMemoryError can strike anywhere in a turn, outside the handlers' guard
     * (the events not yet handled come back at the next epoll_wait, which is level-triggered).
     * When epoll_wait itself fails for good (EBADF: some other code closed our epoll fd, whose
     * number may by now be another file's) the loop stops using epoll and polls instead.
     */
    @Override
    public void run() {
        long[] ready = new long[BATCH];
        while (true) {
            try {
                turn(ready);
            } catch (Throwable t) {
                try {
                    LOG.error("a turn of the spawn loop failed; the loop goes on", t);
                } catch (Throwable ignored) {
                    // not even the message: its first use allocates, which may fail again
                }
            }
        }
    }

    private void turn(long[] ready) {
        if (epollFailed) {
            pollEverything();
        } else {
            int count = LibSpawn.spawn_epoll_wait(epoll, ready, BATCH, timeoutMillis());
            if (count < 0) {
                // nothing but a lost epoll fd makes epoll_wait fail here (EINTR reads as 0)
                pollFromNowOn(count);
                return;
            }
            for (int i = 0; i < count; i++) {
                if (ready[i] == WAKE_TOKEN) {
                    LibSpawn.spawn_eventfd_drain(wake);
                } else {
                    dispatch(ready[i], watched.get(ready[i]));
                }
            }
        }
        runTasks();
        runTimers();
    }

    /**
     * Whether {@code error} from epoll_ctl says our epoll fd is not ours any more (EBADF, or
     * EINVAL: the number now names a file that is not an epoll); the loop then polls, keeping
     * what it watches. A number reused by another epoll (a selector's) cannot be told apart.
     */
    private boolean epollGone(int error) {
        if (error != -Errno.EBADF && error != -Errno.EINVAL) {
            return false;
        }
        pollFromNowOn(error);
        return true;
    }

    private void pollFromNowOn(int error) {
        if (!epollFailed) {
            epollFailed = true;
            // the loop may sit in epoll_wait on the old instance: its eventfd still wakes it
            LibSpawn.spawn_eventfd_signal(wake);
            LockSupport.unpark(thread);
            logSafely("the spawn loop's epoll fd " + epoll + " failed (" + Errno.describe(-error)
                    + "), closed elsewhere in this process; the loop polls every " + POLL_MILLIS
                    + " ms from now on", null);
        }
    }

    /** Without epoll: every watched fd is treated as ready (handlers take EAGAIN in their stride). */
    private void pollEverything() {
        int timeout = timeoutMillis();
        if (timeout != 0) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(timeout < 0 ? POLL_MILLIS
                    : Math.min(timeout, POLL_MILLIS)));
        }
        for (Long token : watched.keySet()) {
            // an earlier handler of this pass may have unregistered it
            dispatch(token, watched.get(token));
        }
    }

    private void dispatch(long token, Object target) {
        if (target instanceof PidfdProcess) {
            guarded(() -> collect(token, (PidfdProcess) target));
        } else if (target != null) {
            guarded((Handler) target);
        }
    }

    private void collect(long token, PidfdProcess child) {
        if (child.collect()) {
            watched.remove(token);
            removeFromEpoll(child);
            child.closePidfd();
        }
    }

    private void runTasks() {
        for (int n = tasks.size(); n > 0; n--) {
            Runnable task = tasks.poll();
            if (task == null) {
                return;
            }
            guardedRun(task);
        }
    }

    private void runTimers() {
        long now = System.nanoTime();
        Timer first;
        while ((first = timers.peek()) != null && (first.cancelled || first.deadline - now <= 0)) {
            pollTimer();
            if (!first.cancelled) {
                guardedRun(first.action);
            }
        }
    }

    /** Until the earliest live timer, or forever; 0 when tasks are queued. */
    private int timeoutMillis() {
        if (!tasks.isEmpty()) {
            return 0;
        }
        Timer first;
        while ((first = timers.peek()) != null && first.cancelled) {
            pollTimer();
        }
        if (first == null) {
            return -1;
        }
        long nanos = first.deadline - System.nanoTime();
        return nanos <= 0 ? 0 : (int) Math.min(Integer.MAX_VALUE, (nanos + 999_999) / 1_000_000);
    }

    /** Nothing a handler throws may stop the loop every child depends on. */
    private static void guarded(Handler handler) {
        try {
            handler.ready();
        } catch (Throwable t) {
            logSafely("a spawn loop handler failed; the loop goes on", t);
        }
    }

    /**
     * The same for a task or timer already taken off its queue: called with the object itself,
     * as a method reference made here could fail to allocate and lose it.
     */
    private static void guardedRun(Runnable task) {
        try {
            task.run();
        } catch (Throwable t) {
            logSafely("a spawn loop task failed; the loop goes on", t);
        }
    }

    /** A logger that fails (out of memory, a broken binding) must not end the loop either. */
    private static void logSafely(String message, Throwable t) {
        try {
            LOG.error(message, t);
        } catch (Throwable ignored) {
            // nothing left to tell it with
        }
    }

    private void removeFromEpoll(PidfdProcess child) {
        if (epollFailed) {
            return;
        }
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
