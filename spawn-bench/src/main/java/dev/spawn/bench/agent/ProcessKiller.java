package dev.spawn.bench.agent;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** SIGKILLs processes in the order given and waits for them to be gone. */
final class ProcessKiller {
    private ProcessKiller() {
    }

    /**
     * Kills {@code processes}, then waits up to {@code wait} for each to exit; returns those still
     * running after it (SIGKILL takes milliseconds, so none but in a broken kernel).
     */
    static List<ProcessHandle> killAndWait(List<ProcessHandle> processes, Duration wait) throws InterruptedException {
        processes.forEach(ProcessHandle::destroyForcibly);
        List<ProcessHandle> alive = new ArrayList<>();
        for (ProcessHandle process : processes) {
            try {
                process.onExit().get(wait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                alive.add(process);
            }
        }
        return alive;
    }
}
