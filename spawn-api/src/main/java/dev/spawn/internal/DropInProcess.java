package dev.spawn.internal;

import dev.spawn.Backend;
import dev.spawn.SpawnedProcess;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The {@link Process} {@code SpawnProcessBuilder} returns: a spawned child with
 * ProcessBuilder's extra contract on top.
 * <ul>
 *   <li>{@link #destroy()} and {@link #destroyForcibly()} also close the three streams, as the
 *       JDK's {@code ProcessImpl} does;</li>
 *   <li>{@link #toHandle()} is the spawned child's, which works before and after the child is
 *       reaped;</li>
 *   <li>{@link #onExit()} completes with this object;</li>
 *   <li>in a pipeline, the streams joined to another stage are ProcessBuilder's null streams.</li>
 * </ul>
 */
public final class DropInProcess extends SpawnedProcess {
    private final SpawnedProcess process;
    private final OutputStream stdin;
    private final InputStream stdout;
    private final InputStream stderr;

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
        process.destroy();
        closeStreams();
    }

    @Override
    public Process destroyForcibly() {
        process.destroyForcibly();
        closeStreams();
        return this;
    }

    private void closeStreams() {
        closeQuietly(stdin);
        closeQuietly(stdout);
        closeQuietly(stderr);
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
        return process.toHandle();
    }

    @Override
    public CompletableFuture<Process> onExit() {
        return process.onExit().thenApply(exited -> this);
    }

    @Override
    public String toString() {
        return process.toString();
    }
}
