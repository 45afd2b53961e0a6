package dev.spawn.bench.agent;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The run's workers that are running: every one is started and killed through here. */
final class Workers {
    /** Starts one worker; {@link WorkerProcess#start} but in tests. */
    interface Starter {
        WorkerProcess start(String name, List<String> command, Path log) throws IOException;
    }

    private final Starter starter;
    private final List<WorkerProcess> running = new ArrayList<>();

    Workers() {
        this(WorkerProcess::start);
    }

    Workers(Starter starter) {
        this.starter = starter;
    }

    synchronized WorkerProcess start(String name, List<String> command, Path log) throws IOException {
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
}
