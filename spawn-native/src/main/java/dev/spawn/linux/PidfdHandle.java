package dev.spawn.linux;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The {@link ProcessHandle} of a {@link PidfdProcess}, usable before and after the child is
 * reaped, as the JDK's handle of its own child is. It signals through the pidfd; what needs
 * {@code /proc} goes through {@link ProcessHandle#of(long)} and is trusted only when the child
 * is still unreaped after the read, so a recycled pid is never described or signalled.
 */
final class PidfdHandle implements ProcessHandle {
    private final PidfdProcess process;

    PidfdHandle(PidfdProcess process) {
        this.process = process;
    }

    private <T> Optional<T> whileAlive(Function<ProcessHandle, T> read) {
        if (!process.isAlive()) {
            return Optional.empty();
        }
        Optional<ProcessHandle> live = ProcessHandle.of(process.pid());
        if (live.isEmpty()) {
            return Optional.empty();
        }
        T value = read.apply(live.get());
        return process.isAlive() ? Optional.ofNullable(value) : Optional.empty();
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public Optional<ProcessHandle> parent() {
        return whileAlive(live -> ProcessHandle.current());
    }

    @Override
    public Stream<ProcessHandle> children() {
        return whileAlive(live -> live.children().toList()).map(list -> list.stream()).orElseGet(Stream::empty);
    }

    @Override
    public Stream<ProcessHandle> descendants() {
        return whileAlive(live -> live.descendants().toList()).map(list -> list.stream()).orElseGet(Stream::empty);
    }

    @Override
    public Info info() {
        return whileAlive(ProcessHandle::info).orElse(EmptyInfo.INSTANCE);
    }

    @Override
    public CompletableFuture<ProcessHandle> onExit() {
        return process.onExit().thenApply(exited -> this);
    }

    @Override
    public boolean supportsNormalTermination() {
        return true;
    }

    /** The signal alone: as the JDK's handle, it leaves the process's streams open. */
    @Override
    public boolean destroy() {
        return process.terminate(false);
    }

    @Override
    public boolean destroyForcibly() {
        return process.terminate(true);
    }

    @Override
    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public int compareTo(ProcessHandle other) {
        return Long.compare(pid(), other.pid());
    }

    /** Equal only to the same child's handle: a pid alone may have been recycled. */
    @Override
    public boolean equals(Object other) {
        return other instanceof PidfdHandle && ((PidfdHandle) other).process == process;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(pid());
    }

    @Override
    public String toString() {
        return String.valueOf(pid());
    }

    /** What ProcessHandle.Info says of a process that is gone: nothing. */
    private enum EmptyInfo implements ProcessHandle.Info {
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
}
