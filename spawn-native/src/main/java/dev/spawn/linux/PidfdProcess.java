package dev.spawn.linux;

import dev.spawn.Backend;
import dev.spawn.SpawnedProcess;
import dev.spawn.spi.Errno;
import dev.spawn.spi.SharedFd;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * A child of a native backend. A thread that waits for it reaps it through its pidfd; the
 * {@link Reaper} watches the pidfd of a child nobody waits for (from {@link Reaper#watchSoon}'s
 * delay on) or whose waiter gave up polling, and completes the exit future. Signals go through
 * the pidfd (never the raw pid), and the pidfd is closed once the child is reaped and no signal
 * is in flight.
 */
final class PidfdProcess extends SpawnedProcess {
    private static final int SIGTERM = 15;
    private static final int SIGKILL = 9;
    /** How long a waiter polls the pidfd itself before it leaves the child to the reaper. */
    private static final int BRIEF_WAIT_MILLIS = 2;
    private static final int UNWATCHED = 0;
    private static final int WATCHED = 1;
    private static final int CLOSED = 2;

    private final long pid;
    private final SharedFd pidfd;
    private final Backend backend;
    private final OutputStream stdin;
    private final InputStream stdout;
    private final InputStream stderr;
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();
    /** Set by whichever thread reaps the child: the reaper, or a waiter that found it exited. */
    private final AtomicBoolean reaping = new AtomicBoolean();
    /**
     * UNWATCHED until the loop takes the pidfd (then WATCHED: the loop closes it) or a waiter
     * reaps the child first (then CLOSED: the waiter closed it); set once, by CAS.
     */
    private final AtomicInteger watch = new AtomicInteger(UNWATCHED);
    /**
     * Set once the pidfd was seen readable: the child has exited and is a zombie (or reaped),
     * so a later reap goes straight to waitid, with no poll and no WNOWAIT probe. A caller that
     * drains the pipes and then waits thus pays one system call for the reap.
     */
    private volatile boolean exitSeen;
    private final Reaper loop;
    /** When the child was spawned ({@link System#nanoTime()}), for {@link Reaper#watchSoon}. */
    final long spawnedAt = System.nanoTime();
    private ProcessHandle handle;

    PidfdProcess(Reaper loop, long pid, int pidfd, Backend backend, OutputStream stdin, InputStream stdout,
            InputStream stderr) {
        this.loop = loop;
        this.pid = pid;
        this.pidfd = new SharedFd(pidfd, LibSpawn.CLOSE);
        this.backend = backend;
        this.stdin = stdin;
        this.stdout = stdout;
        this.stderr = stderr;
        // one instance, so one class: a read's call to it stays monomorphic
        BooleanSupplier gone = this::hasExited;
        if (stdout instanceof PipeInputStream) {
            ((PipeInputStream) stdout).childGone(gone);
        }
        if (stderr instanceof PipeInputStream) {
            ((PipeInputStream) stderr).childGone(gone);
        }
    }

    /**
     * On the loop thread, once the child's pidfd is readable (or, for a pidfd epoll refused, at
     * each poll): reaps the child if it exited. Returns true when the child is reaped or being
     * reaped by a waiting thread, so the loop can drop its pidfd; false to be asked again.
     */
    boolean collect() {
        if (!reaping.compareAndSet(false, true)) {
            // a waiter saw the child exit and is reaping it now
            return true;
        }
        int raw = pidfd.tryAcquire();
        if (raw < 0) {
            return true;
        }
        int[] status = new int[2];
        int result;
        try {
            result = LibSpawn.spawn_wait(raw, LibSpawn.WAIT_NOHANG, status);
        } finally {
            pidfd.release();
        }
        if (result == 0) {
            reaping.set(false);
            return false;
        }
        complete(result, status);
        return true;
    }

    /**
     * Reaps the child on the calling thread when it exits within {@code millis}, which spares a
     * child that is waited for any work on the loop thread: no epoll registration, no wake-up,
     * no hand-off. A caller that drained the child's pipes finds it exiting now; the wait is kept
     * short because a thread in poll(2) does not see {@link Thread#interrupt()}.
     */
    private void collectIfExitedWithin(int millis) {
        int raw = pidfd.tryAcquire();
        if (raw < 0) {
            return;
        }
        try {
            int[] status = new int[2];
            // Only a child known to be a zombie is claimed, so the reaper never drops the pidfd
            // of a child that nobody then reaps. A readable pidfd says so: the kernel marks the
            // task a zombie before it wakes the pidfd's pollers.
            if (!exitSeen) {
                if (LibSpawn.spawn_poll_in(raw, millis) <= 0) {
                    return;
                }
                exitSeen = true;
            }
            while (!reaping.compareAndSet(false, true)) {
                // The loop is reaping it this moment (or looked just before the exit and lets go):
                // an exit already seen must not be reported as "alive" meanwhile.
                if (exit.isDone()) {
                    return;
                }
                Thread.yield();
            }
            complete(LibSpawn.spawn_wait(raw, LibSpawn.WAIT_NOHANG, status), status);
        } finally {
            pidfd.release();
        }
        if (exit.isDone() && watch.compareAndSet(UNWATCHED, CLOSED)) {
            pidfd.close();
        }
    }

    /** None on a virtual thread: poll(2) would hold its carrier; the future parks it instead. */
    private static int briefWaitMillis() {
        return VirtualThreads.current() ? 0 : BRIEF_WAIT_MILLIS;
    }

    /** Whether the child has exited, reaped or not; never waits and never reaps. */
    private boolean hasExited() {
        if (exit.isDone()) {
            return true;
        }
        int raw = pidfd.tryAcquire();
        if (raw < 0) {
            // the pidfd is closed only once the child is known to have exited (a waiter claims
            // the reap only after the pidfd showed the zombie)
            return true;
        }
        try {
            if (LibSpawn.spawn_poll_in(raw, 0) > 0) {
                exitSeen = true;
            }
            return exitSeen;
        } finally {
            pidfd.release();
        }
    }

    /** Reaps the child if it has exited, without waiting. */
    private void reapIfExitedNow() {
        if (!exit.isDone()) {
            collectIfExitedWithin(0);
        }
    }

    /** Claims the one registration of this child with the loop; false when it has one or is reaped. */
    boolean claimWatch() {
        return watch.compareAndSet(UNWATCHED, WATCHED);
    }

    /** Has the loop watch this child now: a waiter is about to block on the exit future. */
    private void watchNow() {
        if (claimWatch()) {
            loop.watch(this);
        }
    }

    private void complete(int result, int[] status) {
        int code;
        if (result <= 0) {
            // ECHILD: someone else (a waitpid(-1) in the same JVM) reaped it; the status is lost.
            code = 128 + SIGKILL;
            Reaper.LOG.warn("cannot collect the status of child {}: {}", pid,
                    result == 0 ? "not exited" : Errno.describe(-result));
        } else {
            code = status[0] == LibSpawn.SIGNALED ? 128 + status[1] : status[1];
        }
        try {
            releaseStreams();
        } finally {
            // whatever the streams do, the exit is known: no waiter may hang on it
            exit.complete(code);
        }
    }

    private void releaseStreams() {
        if (stdin instanceof PipeOutputStream) {
            ((PipeOutputStream) stdin).childExited();
        }
        if (stdout instanceof PipeInputStream) {
            ((PipeInputStream) stdout).childExited();
        }
        if (stderr instanceof PipeInputStream) {
            ((PipeInputStream) stderr).childExited();
        }
    }

    /** Called by the loop once the child is reaped and the pidfd left its epoll set. */
    void closePidfd() {
        pidfd.close();
    }

    int pidfdForReaper() {
        return pidfd.acquire();
    }

    void releasePidfd() {
        pidfd.release();
    }

    @Override
    public Backend backend() {
        return backend;
    }

    @Override
    public OutputStream getOutputStream() {
        return stdin;
    }

    @Override
    public InputStream getInputStream() {
        return stdout;
    }

    @Override
    public InputStream getErrorStream() {
        return stderr;
    }

    @Override
    public int waitFor() throws InterruptedException {
        if (!exit.isDone()) {
            throwIfInterrupted();
            collectIfExitedWithin(briefWaitMillis());
            if (!exit.isDone()) {
                watchNow();
            }
        }
        try {
            return exit.get();
        } catch (ExecutionException | CancellationException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * As {@code ProcessImpl}: a child already gone answers true and a timeout of zero or less
     * false, both without looking at the interrupt; any real wait throws InterruptedException
     * when the thread is or gets interrupted, also one shorter than the brief native poll, so a
     * polling loop of short waits can be interrupted.
     */
    @Override
    public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(Math.max(timeout, 0));
        if (!exit.isDone()) {
            if (timeout > 0) {
                throwIfInterrupted();
            }
            collectIfExitedWithin(timeout <= 0 ? 0 : (int) Math.min(briefWaitMillis(), unit.toMillis(timeout)));
        }
        if (exit.isDone()) {
            return true;
        }
        if (timeout <= 0) {
            return false;
        }
        throwIfInterrupted();
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            return false;
        }
        watchNow();
        try {
            exit.get(left, TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException | CancellationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void throwIfInterrupted() throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
    }

    @Override
    public int exitValue() {
        reapIfExitedNow();
        Integer code = exit.getNow(null);
        if (code == null) {
            // the JDK's words (17 through 25), for code that matches them
            throw new IllegalThreadStateException("process hasn't exited");
        }
        return code;
    }

    @Override
    public boolean isAlive() {
        reapIfExitedNow();
        return !exit.isDone();
    }

    /** SIGTERM through the pidfd; the streams are closed, as the JDK's ProcessImpl does. */
    @Override
    public void destroy() {
        signal(SIGTERM);
        closeStreams();
    }

    /** SIGKILL through the pidfd; the streams are closed, as the JDK's ProcessImpl does. */
    @Override
    public Process destroyForcibly() {
        signal(SIGKILL);
        closeStreams();
        return this;
    }

    /** The signal alone, through the pidfd: the streams stay open (see {@link SpawnedProcess#terminate}). */
    @Override
    public boolean terminate(boolean forcibly) {
        if (!isAlive()) {
            return false;
        }
        signal(forcibly ? SIGKILL : SIGTERM);
        return true;
    }

    private void closeStreams() {
        try {
            stdin.close();
        } catch (IOException ignored) {
            // nothing is lost: nobody can read what was not yet written to a killed child
        }
        try {
            stdout.close();
            stderr.close();
        } catch (IOException ignored) {
            // our pipe streams do not throw on close
        }
    }

    private void signal(int signal) {
        if (exit.isDone()) {
            return;
        }
        int raw;
        try {
            raw = pidfd.acquire();
        } catch (IllegalStateException reaped) {
            return;
        }
        try {
            LibSpawn.spawn_signal(raw, signal);
        } finally {
            pidfd.release();
        }
    }

    @Override
    public boolean supportsNormalTermination() {
        return true;
    }

    @Override
    public long pid() {
        return pid;
    }

    /**
     * The JDK's handle for this child when first asked while the child is unreaped, then kept:
     * looking the pid up after the reap could find a recycled pid. First asked after the reap,
     * a handle of an exited process, as the JDK's says then.
     */
    @Override
    public synchronized ProcessHandle toHandle() {
        if (handle == null) {
            Optional<ProcessHandle> found = exit.isDone() ? Optional.empty() : ProcessHandle.of(pid);
            // A reap takes waitid first and completes the exit only after the streams are
            // released: in between, the pid may already name another process. Wait out a reap in
            // progress (or a poll's brief claim on a live child) so that the flag is settled.
            while (reaping.get() && !exit.isDone()) {
                Thread.onSpinWait();
            }
            // The flag stays set once the child is reaped: clear now means that no reap had
            // happened when the pid was looked up, so what was found is this child.
            handle = found.isEmpty() || reaping.get() ? new ReapedHandle(pid) : found.get();
        }
        return handle;
    }

    /**
     * Completes asynchronously, as the JDK's does, so a callback that blocks can never stall the
     * one reaper thread.
     */
    @Override
    public CompletableFuture<Process> onExit() {
        watchNow();
        return exit.thenApplyAsync(code -> this);
    }

    @Override
    public String toString() {
        // as isAlive(): a child nobody waits for is a zombie until the loop's sweep, and a
        // log line should not call it alive meanwhile
        reapIfExitedNow();
        Integer code = exit.getNow(null);
        return "SpawnedProcess[pid=" + pid + ", " + backend + (code == null ? ", alive" : ", exitValue=" + code) + "]";
    }
}
