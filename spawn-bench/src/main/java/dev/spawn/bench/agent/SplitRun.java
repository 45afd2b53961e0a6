package dev.spawn.bench.agent;

import dev.spawn.Backend;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the calls once on one backend at one split: starts W worker JVMs, waits until all have
 * warmed up, releases them together, and times from that moment to the last worker's DONE.
 */
final class SplitRun {
    private static final long READY_SECONDS = 300;
    private static final long RUN_SECONDS = 1800;

    private final Path callsFile;
    private final Path warmupFile;
    private final Path workspace;
    private final Path logDir;
    private final List<String> jvmArgs;

    SplitRun(Path callsFile, Path warmupFile, Path workspace, Path logDir, List<String> jvmArgs) {
        this.callsFile = callsFile;
        this.warmupFile = warmupFile;
        this.workspace = workspace;
        this.logDir = logDir;
        this.jvmArgs = List.copyOf(jvmArgs);
    }

    RunResult run(Backend backend, Split split) throws IOException, InterruptedException {
        List<WorkerProcess> workers = new ArrayList<>();
        try {
            for (int k = 0; k < split.workers(); k++) {
                String name = split + "-" + backend.propertyName() + "-w" + k;
                workers.add(WorkerProcess.start(name, command(backend, split, k), logDir.resolve(name + ".log")));
            }
            for (WorkerProcess worker : workers) {
                worker.awaitReady(READY_SECONDS);
            }
            long start = System.nanoTime();
            for (WorkerProcess worker : workers) {
                worker.go();
            }
            long end = start;
            for (WorkerProcess worker : workers) {
                end = Math.max(end, worker.awaitDone(RUN_SECONDS));
            }
            List<CallOutcome> outcomes = new ArrayList<>();
            List<String> stats = new ArrayList<>();
            for (WorkerProcess worker : workers) {
                outcomes.addAll(worker.awaitEnd(RUN_SECONDS));
                stats.add(worker.stats());
            }
            return new RunResult(backend, split, end - start, outcomes, stats);
        } finally {
            for (WorkerProcess worker : workers) {
                worker.kill();
            }
        }
    }

    private List<String> command(Backend backend, Split split, int worker) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.add("-Dspawn.backend=" + backend.propertyName());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("dev.spawn.bench.Worker");
        command.addAll(List.of("--calls", callsFile.toString(), "--warmup", warmupFile.toString(),
                "--workspace", workspace.toString(), "--worker", Integer.toString(worker),
                "--workers", Integer.toString(split.workers()), "--in-flight", Integer.toString(split.inFlight()),
                "--backend", backend.propertyName()));
        return command;
    }
}
