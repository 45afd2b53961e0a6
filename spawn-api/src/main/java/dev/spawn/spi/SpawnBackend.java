package dev.spawn.spi;

import dev.spawn.Backend;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A way to start programs, found through {@link java.util.ServiceLoader}. Implementations probe
 * their availability once, lazily, and say why they are unavailable.
 */
public interface SpawnBackend {
    /** Which backend this is. */
    Backend kind();

    /** {@code null} when available, else why not (computed once). */
    Throwable unavailabilityCause();

    /** Whether this backend can be used in this JVM. */
    default boolean isAvailable() {
        return unavailabilityCause() == null;
    }

    /**
     * Creates a template for an absolute executable path.
     *
     * @throws dev.spawn.SpawnException with the errno (ENOEXEC: format not supported here)
     * @throws java.nio.file.NoSuchFileException when it does not exist
     * @throws java.nio.file.AccessDeniedException when it is not an executable regular file, is on a
     *     noexec mount, or a directory on its path cannot be searched; the message says which
     *     where the backend can tell
     */
    BackendTemplate create(Path executable) throws IOException;

    /** Creates a template from the caller's open fd of an executable; the fd stays the caller's. */
    BackendTemplate create(int executableFd) throws IOException;
}
