package dev.spawn.bench.agent;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Removes a run's temp folder (fixture, call files, extracted C driver), or says where it was
 * kept, exactly once: when the run ends ({@link #close}), or, if the JVM shuts down first
 * (Ctrl-C, SIGTERM), from a shutdown hook that kills the workers and the tools they run before,
 * so that none still writes into the fixture: one being started as the hook begins is killed
 * too, and the run's thread, which goes on meanwhile, starts none after. Whichever comes first
 * does it; the other waits for it to finish, so the JVM never halts halfway through a removal.
 * An interrupted run says so in one line, from whichever does the cleanup, instead of the
 * failures the killing causes.
 */
final class RunCleanup implements AutoCloseable {
    /** How long the hook waits for killed processes to exit; SIGKILL takes milliseconds. */
    private static final Duration EXIT_WAIT = Duration.ofSeconds(5);

    private final Path folder;
    private final boolean keep;
    private final String name;
    private final PrintStream progress;
    private final Thread hook = new Thread(this::onShutdown, "spawn-bench-cleanup");
    private final Workers workers = new Workers();
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
        try {
            cleanUp();
        } catch (UncheckedIOException e) {
            progress.println(name + ": interrupted; could not remove " + folder + ": " + e.getCause());
        }
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
