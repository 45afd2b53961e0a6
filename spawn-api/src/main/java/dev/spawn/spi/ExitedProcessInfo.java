package dev.spawn.spi;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What {@link ProcessHandle.Info} says of a process that is gone: nothing. For handles that
 * must not read {@code /proc} by a pid that may name another process by now.
 */
public enum ExitedProcessInfo implements ProcessHandle.Info {
    /** The one instance. */
    INSTANCE;

    @Override
    public Optional<String> command() {
        return Optional.empty();
    }

    @Override
    public Optional<String> commandLine() {
        return Optional.empty();
    }

    @Override
    public Optional<String[]> arguments() {
        return Optional.empty();
    }

    @Override
    public Optional<Instant> startInstant() {
        return Optional.empty();
    }

    @Override
    public Optional<Duration> totalCpuDuration() {
        return Optional.empty();
    }

    @Override
    public Optional<String> user() {
        return Optional.empty();
    }

    @Override
    public String toString() {
        return "[]";
    }
}
