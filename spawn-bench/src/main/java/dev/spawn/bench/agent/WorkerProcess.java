package dev.spawn.bench.agent;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The runner's handle on one worker JVM: starts it (stderr to a log file), reads its protocol
 * lines on a thread, and timestamps its {@code DONE} line when it arrives.
 */
final class WorkerProcess {
    /** How long to wait for a worker that closed its output, or was killed, to exit. */
    private static final Duration EXIT_WAIT = Duration.ofSeconds(5);
    private static final int SIGINT = 2;
    private static final int SIGTERM = 15;

    private final String name;
    private final Process process;
    private final Path log;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final CompletableFuture<Long> doneAt = new CompletableFuture<>();
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    private final List<CallOutcome> outcomes = Collections.synchronizedList(new ArrayList<>());
    private volatile String stats = "";
    private volatile long workerNanos;
    private volatile long cpuNanos = -1;
    private volatile long jitNanos = -1;
    private volatile long lastHeardNanos = System.nanoTime();
    private volatile long warmupStarted;

    private WorkerProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    static WorkerProcess start(String name, List<String> command, Path log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(log.toFile());
        // the workers pass their environment on to every tool, the timed git calls among them
        GitEnvironment.removeRepositoryVariables(builder.environment());
        Process process = builder.start();
        WorkerProcess worker = new WorkerProcess(name, process, log);
        Thread reader = new Thread(worker::readLines, "reader-" + name);
        reader.setDaemon(true);
        reader.start();
        return worker;
    }

    private void readLines() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (!line.startsWith(WorkerProtocol.PREFIX)) {
                    continue;
                }
                lastHeardNanos = System.nanoTime();
                String message = line.substring(WorkerProtocol.PREFIX.length());
                String word = message.split(" ", 2)[0];
                String rest = message.length() > word.length() ? message.substring(word.length() + 1) : "";
                switch (word) {
                    case WorkerProtocol.WARMING:
                        warmupStarted = Long.parseLong(rest);
                        break;
                    case WorkerProtocol.READY:
                        ready.complete(null);
                        break;
                    case WorkerProtocol.DONE:
                        String[] done = rest.split(" ");
                        workerNanos = Long.parseLong(done[0]);
                        cpuNanos = done.length > 2 ? Long.parseLong(done[2]) : -1;
                        doneAt.complete(System.nanoTime());
                        break;
                    case WorkerProtocol.JIT:
                        jitNanos = Long.parseLong(rest);
                        break;
                    case WorkerProtocol.RESULT:
                        outcomes.add(CallOutcome.fromLine(message));
                        break;
                    case WorkerProtocol.STATS:
                        stats = rest;
                        break;
                    case WorkerProtocol.END:
                        ended.complete(null);
                        break;
                    case WorkerProtocol.FAIL:
                        failAll(new WorkerFailure("worker " + name + " failed: " + rest + " (see " + log + ")"));
                        break;
                    default:
                        break;
                }
            }
            failAll(endedEarly());
        } catch (IOException | RuntimeException e) {
            failAll(new WorkerFailure("worker " + name + ": cannot read its output: " + e, e));
        }
    }

    /** Why the worker closed its output before END: a signal that stopped it, else a failure to look into. */
    private WorkerFailure endedEarly() {
        try {
            if (process.waitFor(EXIT_WAIT.toMillis(), TimeUnit.MILLISECONDS)
                    && (process.exitValue() == 128 + SIGINT || process.exitValue() == 128 + SIGTERM)) {
                return new WorkerInterrupted("worker " + name + " was stopped by signal "
                        + (process.exitValue() - 128));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new WorkerFailure("worker " + name + " ended its output early (see " + log + ")");
    }

    private void failAll(WorkerFailure why) {
        ready.completeExceptionally(why);
        doneAt.completeExceptionally(why);
        ended.completeExceptionally(why);
    }

    /**
     * Waits for READY for as long as the worker keeps saying how its warm-up goes: W workers
     * share the machine for W x {@code --warmup} calls (and settle batches), which no fixed limit
     * fits. Gives up when it has said nothing for {@code silence}. Runs {@code tick} every
     * {@code every} while it waits, for the user to see how the warm-up goes.
     */
    void awaitReady(Duration silence, Duration every, Runnable tick) throws InterruptedException {
        long nextTick = System.nanoTime() + every.toNanos();
        while (true) {
            long now = System.nanoTime();
            long quiet = now - lastHeardNanos;
            if (quiet >= silence.toNanos()) {
                throw new WorkerFailure("worker " + name + " did not warm up: it has said nothing for "
                        + silence.toSeconds() + " s, after starting " + warmupStarted + " warm-up calls (see " + log
                        + ")");
            }
            if (now >= nextTick) {
                tick.run();
                nextTick = now + every.toNanos();
            }
            try {
                ready.get(Math.min(silence.toNanos() - quiet, nextTick - now), TimeUnit.NANOSECONDS);
                return;
            } catch (ExecutionException e) {
                throw (RuntimeException) e.getCause();
            } catch (TimeoutException e) {
                // it may have spoken meanwhile, or a tick is due: the loop looks again
            }
        }
    }

    /** The warm-up calls it has said it started, over the warm-up and any settle batches. */
    long warmupStarted() {
        return warmupStarted;
    }

    void go() throws IOException {
        OutputStream stdin = process.getOutputStream();
        stdin.write((WorkerProtocol.GO + "\n").getBytes(StandardCharsets.US_ASCII));
        stdin.flush();
    }

    long awaitDone(long seconds) throws InterruptedException {
        return await(doneAt, seconds, "finish its calls");
    }

    /** Waits for {@code END} and the process's exit; returns its outcomes. */
    List<CallOutcome> awaitEnd(long seconds) throws InterruptedException {
        await(ended, seconds, "report");
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            throw new WorkerFailure("worker " + name + " did not exit (see " + log + ")");
        }
        if (process.exitValue() != 0) {
            throw new WorkerFailure("worker " + name + " exited with " + process.exitValue() + " (see " + log
                    + ")");
        }
        return List.copyOf(outcomes);
    }

    String stats() {
        return stats;
    }

    long workerNanos() {
        return workerNanos;
    }

    /** The worker's own CPU time over its timed calls; -1 when it did not say. */
    long cpuNanos() {
        return cpuNanos;
    }

    /** Its JIT compiler threads' CPU from READY to DONE; -1 when it did not say (the C driver). */
    long jitNanos() {
        return jitNanos;
    }

    /**
     * Kills the tools the worker runs, then the worker, and waits for them. Killed after the
     * worker, the tools would no longer be its descendants: orphans running on in the fixture
     * the run then deletes.
     */
    void kill() {
        List<ProcessHandle> processes = new ArrayList<>(process.descendants().toList());
        processes.add(process.toHandle());
        try {
            ProcessKiller.killAndWait(processes, EXIT_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private <T> T await(CompletableFuture<T> future, long seconds, String what) throws InterruptedException {
        try {
            return future.get(seconds, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw (RuntimeException) e.getCause();
        } catch (TimeoutException e) {
            throw new WorkerFailure("worker " + name + " did not " + what + " within " + seconds + " s (see "
                    + log + ")");
        }
    }
}
