package dev.spawn.bench.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongConsumer;
import java.util.stream.Stream;

/**
 * Runs the calls once on one backend at one split: starts W workers (JVMs, or the C driver for
 * {@code c}/{@code c-posix}: both speak {@link WorkerProtocol}), waits until all have warmed up,
 * releases them together, and times from that moment to the last worker's DONE.
 */
final class SplitRun {
    /**
     * How long a warming worker may say nothing before the run gives up on it: it reports its
     * warm-up about once a second while it starts calls, so this silence means a hung call or a
     * stuck worker, not a long warm-up.
     */
    private static final Duration WARMUP_SILENCE = Duration.ofSeconds(120);
    /**
     * How long the timed part may last: 30 minutes, or a second a call where that is longer (no
     * machine this runs on makes fewer than one call a second), so a large --calls runs to its end.
     */
    private static final long RUN_SECONDS = 1800;
    /** How often a warm-up that has not ended says how far it got: a long one would look hung. */
    static final Duration WARMUP_REPORT_EVERY = Duration.ofSeconds(10);

    private final Path callsFile;
    private final Path warmupFile;
    private final Path workspace;
    private final Path logDir;
    private final List<String> jvmArgs;
    private final Path cDriver;
    private final String api;
    private final boolean settleJit;
    private final Workers running;

    /**
     * {@code cDriver} may be null when no C backend runs; {@code api} is {@code spawn} or {@code toolcall};
     * {@code settleJit} has JVM workers warm up until their JIT is nearly idle; the workers are
     * started and killed through {@code running}.
     */
    SplitRun(Path callsFile, Path warmupFile, Path workspace, Path logDir, List<String> jvmArgs, Path cDriver,
            String api, boolean settleJit, Workers running) {
        this.running = running;
        this.cDriver = cDriver;
        this.api = api;
        this.settleJit = settleJit;
        this.callsFile = callsFile;
        this.warmupFile = warmupFile;
        this.workspace = workspace;
        this.logDir = logDir;
        this.jvmArgs = List.copyOf(jvmArgs);
    }

    /**
     * Runs {@code backend} at {@code split}; while the workers warm up, tells {@code warming}
     * every {@link #WARMUP_REPORT_EVERY} how many warm-up calls they have started in all.
     */
    RunResult run(Engine backend, Split split, int round, LongConsumer warming)
            throws IOException, InterruptedException {
        long runSeconds;
        try (Stream<String> calls = Files.lines(callsFile)) {
            runSeconds = Math.max(RUN_SECONDS, calls.count());
        }
        List<WorkerProcess> workers = new ArrayList<>();
        try {
            for (int k = 0; k < split.workers(); k++) {
                String name = workerName(backend, split, round, k);
                workers.add(running.start(name, command(backend, split, k), logDir.resolve(name + ".log")));
            }
            Runnable tick = () -> warming.accept(workers.stream().mapToLong(WorkerProcess::warmupStarted).sum());
            for (WorkerProcess worker : workers) {
                worker.awaitReady(WARMUP_SILENCE, WARMUP_REPORT_EVERY, tick);
            }
            long start = System.nanoTime();
            for (WorkerProcess worker : workers) {
                worker.go();
            }
            long end = start;
            for (WorkerProcess worker : workers) {
                end = Math.max(end, worker.awaitDone(runSeconds));
            }
            List<CallOutcome> outcomes = new ArrayList<>();
            List<String> stats = new ArrayList<>();
            long cpu = 0;
            long jit = 0;
            for (WorkerProcess worker : workers) {
                outcomes.addAll(worker.awaitEnd(runSeconds));
                stats.add(worker.stats());
                cpu = cpu < 0 || worker.cpuNanos() < 0 ? -1 : cpu + worker.cpuNanos();
                jit = jit < 0 || worker.jitNanos() < 0 ? -1 : jit + worker.jitNanos();
            }
            return new RunResult(backend, split, round, end - start, outcomes, stats, cpu, jit);
        } finally {
            for (WorkerProcess worker : workers) {
                running.kill(worker);
            }
        }
    }

    /** {@code r1-2x8-userspace-w0}: the worker's name, and its log's. */
    static String workerName(Engine backend, Split split, int round, int worker) {
        return "r" + (round + 1) + "-" + split + "-" + backend.label() + "-w" + worker;
    }

    /** Whether {@code fileName} is a worker log's, as {@link #workerName} names them. */
    static boolean isWorkerLog(String fileName) {
        String labels = String.join("|", Arrays.stream(Engine.values()).map(Engine::label).toList());
        return fileName.matches("r[0-9]+-[0-9]+x[0-9]+-(" + labels + ")-w[0-9]+\\.log");
    }

    /** The command line of worker {@code worker} of {@code split} on {@code backend}. */
    List<String> command(Engine backend, Split split, int worker) {
        List<String> command = new ArrayList<>();
        if (backend.isC()) {
            if (cDriver == null) {
                throw new IllegalStateException("no C driver for backend " + backend.label());
            }
            command.add(cDriver.toString());
            command.addAll(List.of("--mode", backend.driverMode()));
        } else {
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(WorkerVmOutput.OPTIONS);
            command.addAll(jvmArgs);
            command.add("-Dspawn.backend=" + backend.backend().propertyName());
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add("dev.spawn.bench.Worker");
            command.addAll(List.of("--backend", backend.backend().propertyName()));
            // ProcessBuilder has no event loop: it always runs spawn + streams + waitFor
            if (backend != Engine.PROCESS_BUILDER) {
                command.addAll(List.of("--api", api));
            }
            if (settleJit) {
                command.addAll(List.of("--settle-jit", "yes"));
            }
        }
        command.addAll(List.of("--calls", callsFile.toString(), "--warmup", warmupFile.toString(),
                "--workspace", workspace.toString(), "--worker", Integer.toString(worker),
                "--workers", Integer.toString(split.workers()), "--in-flight", Integer.toString(split.inFlight())));
        return command;
    }
}
