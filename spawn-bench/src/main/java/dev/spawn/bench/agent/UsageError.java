package dev.spawn.bench.agent;

/**
 * Something the user can fix from the command line or the machine's set-up (a bad {@code --tool}
 * path, a C driver that cannot run, a results folder that cannot be made): the runner prints its
 * message as one line, without a stack trace, and exits 2.
 */
public final class UsageError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** {@code message} says what is wrong and, where it can, what to do about it. */
    public UsageError(String message) {
        super(message, null, false, false);
    }
}
