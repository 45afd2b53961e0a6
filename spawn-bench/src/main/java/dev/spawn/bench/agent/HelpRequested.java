package dev.spawn.bench.agent;

/**
 * Thrown by {@link RunnerOptions#parse} when the command line asks for {@code --help} or {@code -h}:
 * the runner prints the usage and exits 0 instead of running.
 */
public final class HelpRequested extends RuntimeException {
    private static final long serialVersionUID = 1L;

    HelpRequested() {
        super("help requested", null, false, false);
    }
}
