package dev.spawn.internal;

import dev.spawn.Backend;
import dev.spawn.SpawnedProcess;
import dev.spawn.spi.ExitedProcessInfo;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The {@link Process} {@code SpawnProcessBuilder} returns: a spawned child with
 * ProcessBuilder's extra contract on top.
 * <ul>
 *   <li>{@link #destroy()} and {@link #destroyForcibly()} also close the three streams, as the
 *       JDK's {@code ProcessImpl} does;</li>
 *   <li>{@link #toHandle()} works before and after the child is reaped (its
 *       {@link ProcessHandle#isAlive()} turns false), and signals through the child's process,
 *       never a pid that may have been recycled; {@code info()}, {@code children()} and
 *       {@code descendants()} read {@code /proc} while the child is alive and are empty after;</li>
 *   <li>{@link #onExit()} completes with this object;</li>
 *   <li>in a pipeline, the streams joined to another stage are ProcessBuilder's null streams.</li>
 * </ul>
 */
public final class DropInProcess extends SpawnedProcess {
    private final SpawnedProcess process;
    private final OutputStream stdin;
    private final InputStream stdout;
    private final InputStream stderr;
    private final Handle handle = new Handle();

    /**
     * @param process the spawned child
     * @param stdin what {@link #getOutputStream()} returns
     * @param stdout what {@link #getInputStream()} returns
     * @param stderr what {@link #getErrorStream()} returns
     */
    public DropInProcess(SpawnedProcess process, OutputStream stdin, InputStream stdout, InputStream stderr) {
        this.process = process;
        this.stdin = stdin;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** The child as the backend returned it. */
    public SpawnedProcess spawned() {
        return process;
    }

    @Override
    public Backend backend() {
        return process.backend();
    }

    @Override
    public OutputStream getOutputStream() {
        return stdin;
    }

    @Override
    public InputStream getInputStream() {
        return stdout;
    }

    @Override
    public InputStream getErrorStream() {
        return stderr;
    }

    @Override
    public int waitFor() throws InterruptedException {
        return process.waitFor();
    }

    @Override
    public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
        return process.waitFor(timeout, unit);
    }

    @Override
    public int exitValue() {
        return process.exitValue();
    }

    @Override
    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void destroy() {
        process.terminate(false);
        closeStreams();
    }

    @Override
    public Process destroyForcibly() {
        process.terminate(true);
        closeStreams();
        return this;
    }

    /**
     * ProcessImpl's order: the signal first, then the streams, so that closing stdin flushes its
     * buffer into the pipe (a child that outlives SIGTERM reads it), and a child the signal kills
     * leaves the flush no full pipe to wait on. As with the JDK, a child that outlives the signal
     * and does not read holds the flush, and destroy(), until it reads or dies. The child's own
     * streams go too, those a pipeline joined to another stage among them.
     */
    private void closeStreams() {
        closeQuietly(stdin);
        closeQuietly(stdout);
        closeQuietly(stderr);
        closeQuietly(process.getOutputStream());
        closeQuietly(process.getInputStream());
        closeQuietly(process.getErrorStream());
    }

    private static void closeQuietly(AutoCloseable stream) {
        try {
            stream.close();
        } catch (Exception ignored) {
            // as ProcessImpl.destroy: the child is being killed, its streams' errors do not matter
        }
    }

    @Override
    public boolean supportsNormalTermination() {
        return process.supportsNormalTermination();
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public ProcessHandle toHandle() {
        return handle;
    }

    @Override
    public CompletableFuture<Process> onExit() {
        return process.onExit().thenApply(exited -> this);
    }

    @Override
    public String toString() {
        return process.toString();
    }

    /**
     * The child's handle. What needs {@code /proc} goes through the spawned child's own handle,
     * taken while it was unreaped (a pid looked up later may name another process), and is
     * trusted only when the child is still unreaped after the read; signals go through the child.
     */
    private final class Handle implements ProcessHandle {
        private <T> Optional<T> whileAlive(java.util.function.Function<ProcessHandle, T> read) {
            if (!process.isAlive()) {
                return Optional.empty();
            }
            T value = read.apply(process.toHandle());
            return process.isAlive() ? Optional.ofNullable(value) : Optional.empty();
        }

        private DropInProcess owner() {
            return DropInProcess.this;
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
            return whileAlive(live -> live.descendants().toList()).map(list -> list.stream())
                    .orElseGet(Stream::empty);
        }

        @Override
        public Info info() {
            return whileAlive(ProcessHandle::info).orElse(ExitedProcessInfo.INSTANCE);
        }

        @Override
        public CompletableFuture<ProcessHandle> onExit() {
            return process.onExit().thenApply(exited -> this);
        }

        @Override
        public boolean supportsNormalTermination() {
            return process.supportsNormalTermination();
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

        @Override
        public boolean equals(Object other) {
            return other instanceof Handle && ((Handle) other).owner() == DropInProcess.this;
        }

        @Override
        public int hashCode() {
            return Long.hashCode(pid());
        }

        @Override
        public String toString() {
            return String.valueOf(pid());
        }
    }
}
