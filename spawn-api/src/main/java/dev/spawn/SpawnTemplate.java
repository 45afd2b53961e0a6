package dev.spawn;

import dev.spawn.spi.BackendTemplate;
import dev.spawn.spi.Errno;
import dev.spawn.spi.SpawnBackend;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A prepared executable that children are spawned from, many times and from many threads.
 * Holds an fd (a kernel template, or the executable opened by the userspace backend) until
 * {@link #close()}.
 *
 * <p>Which backend serves it follows the {@link Spawner}'s chain: a script makes the kernel
 * backend answer ENOEXEC, so its template starts on the next backend. When a spawn fails with
 * ESTALE (the executable was replaced or changed) or EACCES (the kernel template no longer
 * matches the caller's credentials), the template is closed and re-created once, then the next
 * backend is tried; a tool upgraded by rename keeps working and runs the new binary.
 */
public final class SpawnTemplate implements AutoCloseable {
    private final Spawner spawner;
    private final Path executable;
    private final int executableFd;
    private final Object lock = new Object();
    private volatile BackendTemplate current;
    private volatile int chainIndex;
    private volatile boolean closed;

    private SpawnTemplate(Spawner spawner, Path executable, int executableFd) {
        this.spawner = spawner;
        this.executable = executable;
        this.executableFd = executableFd;
    }

    /** A template made by {@link Spawner#system()}; see {@link Spawner#template(Path)}. */
    public static SpawnTemplate open(Path executable) throws IOException {
        return Spawner.system().template(executable);
    }

    static SpawnTemplate create(Spawner spawner, Path executable, int executableFd) throws IOException {
        SpawnTemplate template = new SpawnTemplate(spawner, executable, executableFd);
        template.createFrom(0, null);
        return template;
    }

    /**
     * Creates on the first backend from {@code start} that accepts the executable; ENOEXEC and
     * ENOSYS move on, anything else is the caller's error and is thrown.
     */
    private void createFrom(int start, SpawnException previous) throws IOException {
        List<SpawnBackend> chain = spawner.chainList();
        SpawnException last = previous;
        for (int i = start; i < chain.size(); i++) {
            SpawnBackend backend = chain.get(i);
            if (last != null && i > 0) {
                spawner.countFallback(chain.get(i - 1).kind(), backend.kind(), last.errnoName(), describe());
            }
            try {
                current = executable != null ? backend.create(executable) : backend.create(executableFd);
                chainIndex = i;
                spawner.countTemplate(backend.kind());
                return;
            } catch (SpawnException e) {
                if (e.errno() != Errno.ENOEXEC && e.errno() != Errno.ENOSYS || i == chain.size() - 1) {
                    throw e;
                }
                last = e;
            }
        }
        throw last;
    }

    /**
     * Starts a child.
     *
     * @throws SpawnException naming the errno, the step and, for a failed action, the action
     * @throws UnsupportedOperationException when the serving backend cannot express the request
     *     (ProcessBuilder and low-level actions), naming what it cannot do
     * @throws IllegalStateException when this template is closed
     */
    public SpawnedProcess spawn(SpawnRequest request) throws IOException {
        BackendTemplate used = live();
        try {
            return counted(used.spawn(request));
        } catch (SpawnException e) {
            if (!isStale(e) || executable == null) {
                throw e;
            }
            return recover(used, request, e);
        } catch (IllegalStateException e) {
            if (closed || current == used) {
                throw e;
            }
            return spawn(request);
        }
    }

    /** {@link #spawn(SpawnRequest)} with {@code args} as argv and every other setting at its default. */
    public SpawnedProcess spawn(String... args) throws IOException {
        return spawn(SpawnRequest.builder(args).build());
    }

    private static boolean isStale(SpawnException e) {
        return !e.inChild() && (e.errno() == Errno.ESTALE || e.errno() == Errno.EACCES);
    }

    private SpawnedProcess recover(BackendTemplate failed, SpawnRequest request, SpawnException why)
            throws IOException {
        synchronized (lock) {
            BackendTemplate now = live();
            if (now != failed) {
                return counted(now.spawn(request));
            }
            failed.close();
            SpawnBackend backend = spawner.chainList().get(chainIndex);
            try {
                current = backend.create(executable);
                spawner.countRecreate(backend.kind(), executable.toString(), why);
                return counted(current.spawn(request));
            } catch (SpawnException again) {
                if (chainIndex == spawner.chainList().size() - 1) {
                    again.addSuppressed(why);
                    throw again;
                }
                createFrom(chainIndex + 1, again);
                return counted(current.spawn(request));
            }
        }
    }

    private BackendTemplate live() {
        BackendTemplate template = current;
        if (closed) {
            throw new IllegalStateException("template for " + describe() + " is closed");
        }
        return template;
    }

    private SpawnedProcess counted(SpawnedProcess process) {
        spawner.countSpawn(process.backend());
        return process;
    }

    /** The backend that serves this template now. */
    public Backend backend() {
        return current.kind();
    }

    /** The executable's path, or {@code null} for a template made from an fd. */
    public Path executable() {
        return executable;
    }

    /** Closes the template; spawns in flight finish first. Idempotent. */
    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            current.close();
        }
    }

    private String describe() {
        return executable != null ? executable.toString() : "fd " + executableFd;
    }

    @Override
    public String toString() {
        return "SpawnTemplate[" + describe() + " on " + current.kind() + (closed ? ", closed" : "") + "]";
    }
}
