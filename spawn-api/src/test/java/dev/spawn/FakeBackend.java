package dev.spawn;

import dev.spawn.spi.BackendTemplate;
import dev.spawn.spi.Errno;
import dev.spawn.spi.SpawnBackend;
import dev.spawn.spi.StaleTemplateException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A backend whose creates and spawns fail with scripted errnos, to test the chain rules. */
final class FakeBackend implements SpawnBackend {
    final Backend kind;
    final Deque<Integer> createErrnos = new ArrayDeque<>();
    final Deque<Integer> spawnErrnos = new ArrayDeque<>();
    SpawnException.Stage spawnStage = SpawnException.Stage.BEFORE_CHILD;
    /**
     * Whether a BEFORE_CHILD ESTALE or EACCES comes from the request's own setup (a redirect
     * file, say) rather than from the backend's spawn call, which reports a stale template.
     */
    boolean setupFailure;
    /** Run at the start of each spawn (to close the template under it, say). */
    Runnable beforeSpawn = () -> { };
    final List<Template> made = new ArrayList<>();

    FakeBackend(Backend kind) {
        this.kind = kind;
    }

    @Override
    public Backend kind() {
        return kind;
    }

    @Override
    public Throwable unavailabilityCause() {
        return null;
    }

    @Override
    public BackendTemplate create(Path executable) throws IOException {
        Integer errno = createErrnos.poll();
        if (errno != null && errno == Errno.ENOENT) {
            throw new java.nio.file.NoSuchFileException(executable.toString());
        }
        if (errno != null && errno != 0) {
            throw new SpawnException(SpawnException.Stage.CREATE, errno, executable.toString(), null, "create", -1,
                    null, null);
        }
        Template template = new Template();
        made.add(template);
        return template;
    }

    @Override
    public BackendTemplate create(int executableFd) throws IOException {
        return create(Path.of("/proc/self/fd/" + executableFd));
    }

    final class Template implements BackendTemplate {
        boolean closed;
        int spawns;

        @Override
        public Backend kind() {
            return kind;
        }

        @Override
        public SpawnedProcess spawn(SpawnRequest request) throws IOException {
            beforeSpawn.run();
            if (closed) {
                throw new IllegalStateException("closed");
            }
            Integer errno = spawnErrnos.poll();
            if (errno != null && errno != 0) {
                if (spawnStage == SpawnException.Stage.BEFORE_CHILD && !setupFailure
                        && (errno == Errno.ESTALE || errno == Errno.EACCES)) {
                    throw new StaleTemplateException(errno, "/fake", null, "spawn", null);
                }
                throw new SpawnException(spawnStage, errno, "/fake", null, "spawn", -1, null, null);
            }
            spawns++;
            return new Finished(kind);
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    static final class Finished extends SpawnedProcess {
        private final Backend backend;

        Finished(Backend backend) {
            this.backend = backend;
        }

        @Override
        public Backend backend() {
            return backend;
        }

        @Override
        public OutputStream getOutputStream() {
            return OutputStream.nullOutputStream();
        }

        @Override
        public InputStream getInputStream() {
            return InputStream.nullInputStream();
        }

        @Override
        public InputStream getErrorStream() {
            return InputStream.nullInputStream();
        }

        @Override
        public int waitFor() {
            return 0;
        }

        @Override
        public int exitValue() {
            return 0;
        }

        @Override
        public void destroy() {
        }

        @Override
        public CompletableFuture<Process> onExit() {
            return CompletableFuture.completedFuture(this);
        }
    }
}
