package dev.spawn.bench.agent;

import java.io.InterruptedIOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Removes a run's temp folder (fixture, call files, extracted C driver), or says where it was
 * kept, exactly once: when the run ends ({@link #close}), or, if the JVM shuts down first
 * (Ctrl-C, SIGTERM), from a shutdown hook that kills the workers and the tools they run before,
 * so that none still writes into the fixture: one being started as the hook begins is killed
 * too, and the run's thread, which goes on meanwhile, starts none after. Whichever comes first
 * does it; the other waits for it to finish, so the JVM never halts halfway through a removal.
 * The run's thread writes the folder's contents between {@link #beginSetUp} and {@link #endSetUp};
 * the hook waits for that to end (it does at its next file once interrupted) before removing the
 * folder, which otherwise would fill again under the removal.
 * An interrupted run says so in one line, from whichever does the cleanup, instead of the
 * failures the killing causes.
 */
final class RunCleanup implements AutoCloseable {
    /** How long the hook waits for killed processes to exit; SIGKILL takes milliseconds. */
    private static final Duration EXIT_WAIT = Duration.ofSeconds(5);
    /** How long the hook waits for the set-up to stop: it stops before its next file or command. */
    private static final Duration SETUP_WAIT = Duration.ofSeconds(5);

    private final Path folder;
    private final boolean keep;
    private final String name;
    private final PrintStream progress;
    private final Thread hook = new Thread(this::onShutdown, "spawn-bench-cleanup");
    private final Workers workers = new Workers();
    private final ReentrantLock setUp = new ReentrantLock();
    private boolean done;
    private volatile boolean interrupted;

    private RunCleanup(Path folder, boolean keep, String name, PrintStream progress) {
        this.folder = folder;
        this.keep = keep;
        this.name = name;
        this.progress = progress;
    }

    /** Takes charge of {@code folder}, left in place when {@code keep}, from now until {@link #close}. */
    static RunCleanup install(Path folder, boolean keep, String name, PrintStream progress) {
        RunCleanup cleanup = new RunCleanup(folder, keep, name, progress);
        Runtime.getRuntime().addShutdownHook(cleanup.hook);
        return cleanup;
    }

    /**
     * Cleans up, then withdraws the hook: a shutdown during the removal runs the hook, which
     * waits for the removal to finish rather than letting the JVM halt in the middle of it.
     */
    @Override
    public void close() {
        try {
            cleanUp();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook has started: it finds the work done
            }
        }
    }

    /**
     * Marks the run's thread as writing into the folder until {@link #endSetUp}; what it writes
     * meanwhile checks {@link #interrupted} before each file or command, so it ends soon.
     *
     * @throws InterruptedIOException when the run is already being stopped: nothing more is written
     */
    void beginSetUp() throws InterruptedIOException {
        setUp.lock();
        if (interrupted) {
            setUp.unlock();
            throw new InterruptedIOException("the run is being stopped");
        }
    }

    /** Ends what {@link #beginSetUp} began. */
    void endSetUp() {
        setUp.unlock();
    }

    /** The run's workers: start them through it. */
    Workers workers() {
        return workers;
    }

    /**
     * Marks the run interrupted: its cleanup says so. The shutdown hook marks it before it kills
     * the workers, so a failure their killing causes finds it marked.
     */
    void markInterrupted() {
        interrupted = true;
    }

    /** Whether the run was interrupted: the JVM is shutting down, or its workers were stopped by a signal. */
    boolean interrupted() {
        return interrupted;
    }

    /** What the shutdown hook does; the JVM's shutdown runs it at most once. */
    void onShutdown() {
        markInterrupted();
        workers.stop();
        killDescendants();
        boolean setUpEnded = awaitSetUp();
        try {
            cleanUp();
        } catch (UncheckedIOException e) {
            progress.println(name + ": interrupted; could not remove " + folder + ": " + e.getCause());
        } finally {
            if (setUpEnded) {
                setUp.unlock();
            }
        }
    }

    /** Whether the set-up ended in time; holds it then, so that none starts before the removal ends. */
    private boolean awaitSetUp() {
        try {
            if (setUp.tryLock(SETUP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                return true;
            }
            progress.println(name + ": interrupted; the set-up went on writing into " + folder + " for "
                    + SETUP_WAIT.toSeconds() + " s; removing it all the same");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    /** Whatever else the runner still runs: the fixture's git, the C driver's check. */
    private void killDescendants() {
        try {
            for (ProcessHandle process : ProcessKiller.killAndWait(ProcessHandle.current().descendants().toList(),
                    EXIT_WAIT)) {
                progress.println(name + ": process " + process.pid() + " did not exit after SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized void cleanUp() {
        if (done) {
            return;
        }
        done = true;
        String prefix = name + (interrupted ? ": interrupted; " : ": ");
        if (keep) {
            progress.println(prefix + "kept the workspace and call files in " + folder);
        } else {
            Fixture.deleteTree(folder);
            if (interrupted) {
                progress.println(prefix + "cleaned up");
            }
        }
    }
}
