package dev.spawn.bench.agent;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The run's workers that are running: every one is started and killed through here, so that a
 * shutdown reaches each. A start and {@link #stop} take one lock: a worker whose start has begun
 * when the stop comes is killed by it once started, and none starts after it.
 */
final class Workers {
    /** Starts one worker; {@link WorkerProcess#start} but in tests. */
    interface Starter {
        WorkerProcess start(String name, List<String> command, Path log) throws IOException;
    }

    private final Starter starter;
    private final List<WorkerProcess> running = new ArrayList<>();
    private boolean stopped;

    Workers() {
        this(WorkerProcess::start);
    }

    Workers(Starter starter) {
        this.starter = starter;
    }

    /** Starts a worker, unless the run is being stopped: then it says so as {@link WorkerInterrupted}. */
    synchronized WorkerProcess start(String name, List<String> command, Path log) throws IOException {
        if (stopped) {
            throw new WorkerInterrupted("worker " + name + " not started: the run is being stopped");
        }
        WorkerProcess worker = starter.start(name, command, log);
        running.add(worker);
        return worker;
    }

    /** Kills {@code worker} and the tools it runs. */
    void kill(WorkerProcess worker) {
        worker.kill();
        synchronized (this) {
            running.remove(worker);
        }
    }

    /** Kills every running worker and the tools it runs, and starts none after. */
    void stop() {
        List<WorkerProcess> workers;
        synchronized (this) {
            stopped = true;
            workers = List.copyOf(running);
        }
        workers.forEach(WorkerProcess::kill);
    }
}
