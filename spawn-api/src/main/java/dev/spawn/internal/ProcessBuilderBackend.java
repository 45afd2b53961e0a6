package dev.spawn.internal;

import dev.spawn.Backend;
import dev.spawn.SpawnException;
import dev.spawn.spi.BackendTemplate;
import dev.spawn.spi.Errno;
import dev.spawn.spi.SpawnBackend;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.BasicFileAttributes;

/** The last resort: {@link ProcessBuilder}, pure Java, available wherever the JDK is. */
public final class ProcessBuilderBackend implements SpawnBackend {
    /** The one instance; the backend holds no state. */
    public static final ProcessBuilderBackend INSTANCE = new ProcessBuilderBackend();

    private ProcessBuilderBackend() {
    }

    @Override
    public Backend kind() {
        return Backend.PROCESS_BUILDER;
    }

    @Override
    public Throwable unavailabilityCause() {
        return null;
    }

    @Override
    public BackendTemplate create(Path executable) throws IOException {
        BasicFileAttributes attributes;
        try {
            // not Files.exists, which answers false to an EACCES on the way as to an ENOENT
            attributes = Files.readAttributes(executable, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(executable.toString(), null, "ENOENT: cannot create a template");
        } catch (AccessDeniedException e) {
            throw new AccessDeniedException(executable.toString(), null,
                    "EACCES: a directory on its path cannot be searched");
        }
        if (!attributes.isRegularFile() || !Files.isExecutable(executable)) {
            throw new AccessDeniedException(executable.toString(), null,
                    "EACCES: not an executable regular file");
        }
        return new ProcessBuilderTemplate(executable);
    }

    @Override
    public BackendTemplate create(int executableFd) throws IOException {
        Path link = Paths.get("/proc/self/fd/" + executableFd);
        if (!Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
            throw new SpawnException(SpawnException.Stage.CREATE, Errno.EBADF, "fd " + executableFd, null,
                    "cannot create a template", -1, null, null);
        }
        return create(link.toRealPath());
    }
}
