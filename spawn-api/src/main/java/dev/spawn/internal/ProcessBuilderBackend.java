package dev.spawn.internal;

import dev.spawn.Backend;
import dev.spawn.SpawnException;
import dev.spawn.spi.BackendTemplate;
import dev.spawn.spi.Errno;
import dev.spawn.spi.SpawnBackend;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
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

    /**
     * {@inheritDoc}
     *
     * <p>A file that is missing is a {@link NoSuchFileException}, one that cannot be reached or
     * run an {@link AccessDeniedException}, as USERSPACE says; every other failed lookup is a
     * {@link SpawnException} naming the errno the kernel would (ENOTDIR for a file where a
     * directory should be on the path, ELOOP, ENAMETOOLONG), told from the file system, not
     * from the NIO exception's text, which is strerror(3) in the JVM's locale.
     */
    @Override
    public BackendTemplate create(Path executable) throws IOException {
        BasicFileAttributes attributes;
        try {
            // not Files.exists, which answers false to an EACCES on the way as to an ENOENT
            attributes = Files.readAttributes(executable, BasicFileAttributes.class);
        } catch (AccessDeniedException e) {
            // an LSM may refuse the stat of the file itself, not only a directory's search
            throw new AccessDeniedException(executable.toString(), null,
                    "EACCES: a directory on its path cannot be searched, or the file cannot be looked at");
        } catch (FileSystemException e) {
            // NIO says NoSuchFileException for ENOTDIR on JDK 25, a plain FileSystemException before
            int errno = PathLookup.lookupErrno(executable, executable.toString(), e);
            if (errno == Errno.ENOENT) {
                throw new NoSuchFileException(executable.toString(), null, "ENOENT: cannot create a template");
            }
            SpawnException failure = new SpawnException(SpawnException.Stage.CREATE, errno, executable.toString(),
                    null, "cannot create a template", -1, null, null);
            // the NIO exception, for its detail (SpawnException's cause is fixed at construction)
            failure.addSuppressed(e);
            throw failure;
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
