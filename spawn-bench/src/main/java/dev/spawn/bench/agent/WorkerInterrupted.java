package dev.spawn.bench.agent;

/**
 * A worker ended by SIGINT or SIGTERM, or not started because the runner is shutting down: Ctrl-C
 * reaches the whole foreground process group, so the workers die with the runner, and the
 * runner's own shutdown, not the worker, has the last word.
 */
final class WorkerInterrupted extends WorkerFailure {
    private static final long serialVersionUID = 1L;

    WorkerInterrupted(String message) {
        super(message);
    }
}
