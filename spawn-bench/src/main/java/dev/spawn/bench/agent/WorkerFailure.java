package dev.spawn.bench.agent;

/**
 * A worker that failed, said so on its protocol, fell silent, or exited badly: its message names
 * the worker and its log, where the details are, so the runner prints it without a stack trace.
 */
class WorkerFailure extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    WorkerFailure(String message) {
        super(message);
    }

    WorkerFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
