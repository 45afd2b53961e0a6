package dev.spawn.linux;

import com.sun.jna.Memory;
import dev.spawn.Backend;
import dev.spawn.KillPolicy;
import dev.spawn.ToolCall;
import dev.spawn.ToolResult;
import dev.spawn.spi.Errno;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/**
 * One {@link ToolCall} in flight, driven by the {@link Reaper} loop: every method but
 * {@link #start} runs on the loop thread, so the state needs no lock.
 *
 * <p>The child's pidfd says when it exits; its status is then read with {@code WNOWAIT}, so the
 * child stays a zombie and its pid, which is also its process group's id, cannot be reused.
 * Every group signal ({@code kill(-pgid, sig)}: timeout, grace, the final kill when the call
 * ends) is sent before the child is reaped, so it can only reach the child's own group (or
 * nobody, ESRCH), never an unrelated group that reused the number. The child is reaped last.
 * The JVM's exit hook ({@link ExitKill}) sends such a signal from its own thread, so before the
 * reap the loop withdraws the call from the hook's reach; when the hook has claimed it first,
 * the JVM is exiting, and the child is not reaped nor its pidfd closed.
 */
final class ToolRun {
    private static final int CHUNK = 64 * 1024;
    /** Reads per readiness event and stream, so one chatty child cannot starve the others. */
    private static final int READS_PER_EVENT = 4;
    private static final int SIGKILL = 9;
    /** The loop thread's hand-off of callAsync results to callers' threads. */
    private static ResultThreads results;
    /** The loop thread's read/write buffer. */
    private static Memory buffer;

    private final Reaper loop;
    private final ToolCall call;
    private final Backend backend;
    private final long pid;
    private final int pidfd;
    private final long started;
    private final CompletableFuture<ToolResult> future = new CompletableFuture<>();
    /** Whether only a thread blocked in get() waits on {@link #future}, so the loop may complete it. */
    private final boolean completeOnLoop;
    /**
     * Set before the loop hands the result (or failure) over: a completion that follows needs no
     * cancel on the loop, and enqueuing one would wake the loop once more per call for nothing.
     */
    private volatile boolean delivered;
    private final Capture out;
    private final Capture err;
    private final Feeder in;
    private long pidToken;
    private int exitCode = -1;
    private int signal;
    private boolean exited;
    private boolean finished;
    private boolean reaped;
    private boolean pidfdClosed;
    /** Within the exit hook's reach until {@link #withdrawFromExitKill}; set before the loop sees the run. */
    private boolean exitKillArmed;
    /** The exit hook claimed the call: the JVM is exiting, and the child and its pidfd stay as they are. */
    private boolean claimedAtExit;
    private boolean timedOut;
    private boolean drainTimedOut;
    private Reaper.Timer timeoutTimer;
    private Reaper.Timer graceTimer;
    private Reaper.Timer drainTimer;

    private ToolRun(Reaper loop, ToolCall call, Backend backend, long pid, int pidfd, int stdinFd, int stdoutFd,
            int stderrFd, long started, boolean completeOnLoop) {
        this.loop = loop;
        this.completeOnLoop = completeOnLoop;
        this.call = call;
        this.backend = backend;
        this.pid = pid;
        this.pidfd = pidfd;
        this.started = started;
        this.out = new Capture(stdoutFd, call.stdoutCap());
        this.err = new Capture(stderrFd, call.stderrCap());
        this.in = new Feeder(stdinFd, call.stdin());
    }

    /**
     * Hands a started child to the loop; the fds are the run's from now on.
     *
     * @param completeOnLoop whether the loop may complete the future itself, sparing a hand-off
     *     to another thread: only when no stage will depend on it, just a thread blocked in get()
     */
    static CompletableFuture<ToolResult> start(Reaper loop, ToolCall call, Backend backend, long pid, int pidfd,
            int stdinFd, int stdoutFd, int stderrFd, long started, boolean completeOnLoop) {
        ToolRun run = new ToolRun(loop, call, backend, pid, pidfd, stdinFd, stdoutFd, stderrFd, started,
                completeOnLoop);
        // not when the hook is off, nor once the JVM is exiting: such a call is not the hook's
        run.exitKillArmed = ExitKill.covers(call) && ExitKill.register(run);
        // Completed by anyone but deliver() (cancel, orTimeout, complete...): the caller has
        // stopped waiting, so the child and its group must not run on.
        run.future.whenComplete((result, failure) -> {
            if (!run.delivered) {
                loop.execute(run::cancel);
            }
        });
        loop.execute(run::begin);
        return run.future;
    }

    private void begin() {
        long token = loop.register(pidfd, LibSpawn.EPOLL_IN, this::onExit);
        if (token > 0) {
            pidToken = token;
        }
        int refused = token < 0 ? (int) token : out.watch();
        refused = refused < 0 ? refused : err.watch();
        refused = refused < 0 ? refused : in.watch();
        if (refused < 0) {
            fail("the spawn loop could not watch tool child " + pid + " (epoll_ctl: " + Errno.describe(-refused)
                    + "); it was killed");
            return;
        }
        if (call.timeout() != null) {
            timeoutTimer = loop.schedule(started + call.timeout().toNanos(), this::onTimeout);
        }
    }

    /** The pidfd is readable: the child exited. Peek at the status, keep the zombie. */
    private void onExit() {
        int[] status = new int[2];
        int result = LibSpawn.spawn_wait(pidfd, LibSpawn.WAIT_NOHANG | LibSpawn.WAIT_NOWAIT, status);
        if (result == 0) {
            return;
        }
        if (result < 0) {
            Reaper.LOG.warn("cannot read the status of tool child {}: {}", pid, Errno.describe(-result));
            signal = SIGKILL;
            // the group id may be free already: no group signal from here on, the hook's included
            withdrawFromExitKill();
            reaped = true;
        } else if (status[0] == LibSpawn.SIGNALED) {
            signal = status[1];
        } else {
            exitCode = status[1];
        }
        exited = true;
        loop.unregister(pidToken, pidfd);
        // stdin stays open: a descendant may read it, as it may write the output pipes
        if (out.closed && err.closed) {
            finish();
        } else {
            drainTimer = loop.schedule(System.nanoTime() + call.drainTimeout().toNanos(), this::onDrainDeadline);
        }
    }

    private void onDrainDeadline() {
        drainTimedOut = !readRest();
        finish();
    }

    /**
     * Reads what the output pipes hold as the drain ends: events for it may still be queued
     * behind the deadline, and one event reads a bounded amount. True when both reached EOF,
     * so nobody held them open and nothing written was lost.
     */
    private boolean readRest() {
        out.readRest();
        err.readRest();
        return out.closed && err.closed;
    }

    /**
     * A running child gets the kill policy, and the call ends after its exit as usual. A child
     * that exited while descendants hold its pipes ends its drain here: the timeout bounds the
     * call, and the kill policy goes to the descendants of its group (there is none to reach
     * in the caller's group, and the child itself is gone).
     */
    private void onTimeout() {
        if (finished) {
            return;
        }
        if (!exited) {
            timedOut = true;
            terminate();
            return;
        }
        if (readRest()) {
            // the drain was over, its end only queued behind the timeout
            finish();
            return;
        }
        timedOut = true;
        if (call.signalsGroup()) {
            terminate();
        }
        drainTimedOut = true;
        finish();
    }

    /** The future was completed by someone else: nobody sees this call's result any more. */
    private void cancel() {
        if (!finished) {
            terminate();
        }
    }

    /** The kill policy: the first signal, then SIGKILL after the grace period. */
    private void terminate() {
        if (graceTimer != null) {
            return;
        }
        KillPolicy policy = call.killPolicy();
        signal(policy.firstSignal());
        if (policy.firstSignal() == SIGKILL) {
            return;
        }
        if (policy.grace().isZero()) {
            signal(SIGKILL);
            return;
        }
        graceTimer = loop.schedule(System.nanoTime() + policy.grace().toNanos(), () -> {
            graceTimer = null;
            signal(SIGKILL);
            reapIfDone();
        });
    }

    /** To the group by number (safe: the leader is not reaped yet) and to the child by pidfd. */
    private void signal(int sig) {
        if (reaped) {
            return;
        }
        if (call.signalsGroup()) {
            LibSpawn.spawn_kill_group((int) pid, sig);
        }
        LibSpawn.spawn_signal(pidfd, sig);
    }

    private void maybeFinish() {
        if (exited && out.closed && err.closed) {
            finish();
        }
    }

    private void finish() {
        if (finished) {
            return;
        }
        finished = true;
        if (timeoutTimer != null) {
            timeoutTimer.cancel();
        }
        if (drainTimer != null) {
            drainTimer.cancel();
        }
        out.close();
        err.close();
        in.close();
        // the group's kill and the reap come first: a caller the loop wakes directly may act at
        // once (exit the JVM, look for the group) and must find the call over; and they come
        // before the result's allocation (copies of up to the caps), which may fail
        if (call.killGroupWhenDone() && call.signalsGroup() && !reaped) {
            LibSpawn.spawn_kill_group((int) pid, SIGKILL);
        }
        if (graceTimer != null && (call.killGroupWhenDone() || !call.signalsGroup())) {
            // the child has exited and its group (if any) had the final SIGKILL: the grace
            // period's SIGKILL has nothing left to reach, and the reap need not wait for it
            graceTimer.cancel();
            graceTimer = null;
        }
        reapIfDone();
        ToolResult result;
        try {
            result = new ToolResult(pid, backend, exitCode, signal, out.bytes(), err.bytes(), out.total, err.total,
                    timedOut, drainTimedOut, Duration.ofNanos(System.nanoTime() - started));
        } catch (Throwable failure) {
            // an OutOfMemoryError copying the output: the child is over and reaped, and the
            // caller must not wait forever for a result that will not come
            deliver(() -> future.completeExceptionally(failure));
            return;
        }
        deliver(() -> future.complete(result));
    }

    /** Reaps once the call is over and no group signal is pending; the group id is free after this. */
    private void reapIfDone() {
        if (!finished || graceTimer != null || !withdrawFromExitKill()) {
            return;
        }
        if (!reaped) {
            reaped = true;
            LibSpawn.spawn_wait(pidfd, LibSpawn.WAIT_NOHANG, new int[2]);
        }
        if (!pidfdClosed) {
            pidfdClosed = true;
            LibSpawn.spawn_close(pidfd);
        }
    }

    /** The loop could not watch the child: kill it, release everything, fail the call. */
    private void fail(String why) {
        signal(SIGKILL);
        if (pidToken > 0) {
            loop.unregister(pidToken, pidfd);
        }
        out.close();
        err.close();
        in.close();
        finished = true;
        reaped = true;
        if (withdrawFromExitKill()) {
            loop.retryUntilDone(this::reapKilled);
        }
        deliver(() -> future.completeExceptionally(new java.io.IOException(why)));
    }

    /**
     * Takes the call out of the exit hook's reach, as the last step before the group id may be
     * freed; false when the hook claimed it first, and with it the child and its pidfd.
     */
    private boolean withdrawFromExitKill() {
        if (exitKillArmed) {
            exitKillArmed = false;
            claimedAtExit = !ExitKill.withdraw(this);
        }
        return !claimedAtExit;
    }

    /** The child's pid, its group's id; for the exit hook, on its own thread. */
    long pid() {
        return pid;
    }

    /** The child's pidfd, open while the call is within the exit hook's reach; for the exit hook. */
    int pidfd() {
        return pidfd;
    }

    private void deliver(Runnable completion) {
        delivered = true;
        if (completeOnLoop) {
            completion.run();
        } else {
            results(loop).execute(completion);
        }
    }

    /** Reaps the SIGKILLed child if it is gone; false while it is still dying. */
    private boolean reapKilled() {
        if (LibSpawn.spawn_wait(pidfd, LibSpawn.WAIT_NOHANG, new int[2]) == 0) {
            return false;
        }
        pidfdClosed = true;
        LibSpawn.spawn_close(pidfd);
        return true;
    }

    private static Memory buffer() {
        if (buffer == null) {
            buffer = new Memory(CHUNK);
        }
        return buffer;
    }

    private static ResultThreads results(Reaper loop) {
        if (results == null) {
            results = new ResultThreads(loop);
        }
        return results;
    }

    /** A pipe end of the call on the loop: registered at most once, closed (and unregistered) once. */
    private abstract class PipeEnd {
        final int fd;
        private long token;
        boolean closed;

        PipeEnd(int fd) {
            this.fd = fd;
            this.closed = fd < 0;
        }

        /** Returns 0, or -errno when epoll_ctl refused the fd, which is then closed. */
        final int watch(int events, Reaper.Handler handler) {
            if (closed) {
                return 0;
            }
            token = loop.register(fd, events, handler);
            if (token < 0) {
                close();
                return (int) token;
            }
            return 0;
        }

        final void close() {
            if (!closed) {
                closed = true;
                if (token > 0) {
                    loop.unregister(token, fd);
                }
                LibSpawn.spawn_close(fd);
            }
        }
    }

    /** One output pipe: keeps the first {@code cap} bytes, counts and drops the rest. */
    private final class Capture extends PipeEnd {
        private final int cap;
        private byte[] data = new byte[0];
        private int kept;
        private long total;

        Capture(int fd, long cap) {
            super(fd);
            this.cap = (int) cap;
        }

        int watch() {
            return watch(LibSpawn.EPOLL_IN, this::drain);
        }

        private void drain() {
            read(READS_PER_EVENT);
            if (closed) {
                maybeFinish();
            }
        }

        /**
         * What the pipe holds now (FIONREAD), however many reads it takes (a packet-mode pipe
         * gives one write a read), and the EOF behind it if nothing came meanwhile. Bounded by
         * that snapshot, so a descendant still writing cannot hold the loop.
         */
        void readRest() {
            if (closed) {
                return;
            }
            long end = total + Math.max(LibSpawn.spawn_available(fd), 0);
            while (!closed && total < end) {
                long before = total;
                read(1);
                if (total == before) {
                    return;
                }
            }
            read(1);
        }

        /** Up to {@code reads} chunks, until the pipe is empty; closes it at EOF or on an error. */
        void read(int reads) {
            Memory chunk = buffer();
            for (int i = 0; i < reads && !closed; i++) {
                long count = LibSpawn.spawn_read(fd, chunk, CHUNK);
                if (count == -Errno.EAGAIN) {
                    return;
                }
                if (count <= 0) {
                    close();
                    return;
                }
                total += count;
                int keep = (int) Math.min(count, cap - kept);
                if (keep > 0) {
                    if (kept + keep > data.length) {
                        data = Arrays.copyOf(data, (int) Math.min(cap, Math.max(kept + keep, 2L * data.length + 4096)));
                    }
                    chunk.read(0, data, kept, keep);
                    kept += keep;
                }
            }
        }

        /**
         * The kept bytes. ToolResult copies them again: a public record cannot take over an
         * array from another module, so output that does not fill its buffer is copied twice.
         */
        byte[] bytes() {
            return kept == data.length ? data : Arrays.copyOf(data, kept);
        }
    }

    /** The stdin pipe: writes the call's bytes as the child takes them, then closes (EOF). */
    private final class Feeder extends PipeEnd {
        private final byte[] bytes;
        private int offset;

        Feeder(int fd, byte[] bytes) {
            super(fd);
            this.bytes = bytes;
        }

        int watch() {
            if (bytes == null || bytes.length == 0) {
                close();
                return 0;
            }
            return watch(LibSpawn.EPOLL_OUT, this::feed);
        }

        private void feed() {
            Memory chunk = buffer();
            while (!closed && offset < bytes.length) {
                int length = Math.min(CHUNK, bytes.length - offset);
                chunk.write(0, bytes, offset, length);
                long count = LibSpawn.spawn_write(fd, chunk, length);
                if (count == -Errno.EAGAIN) {
                    return;
                }
                if (count < 0) {
                    break;
                }
                offset += (int) count;
            }
            close();
        }
    }
}
