package dev.spawn.spi;

import dev.spawn.Backend;
import dev.spawn.SpawnRequest;
import dev.spawn.SpawnedProcess;
import java.io.IOException;

/**
 * One backend's template for one executable. Thread-safe: spawns may run concurrently, and
 * {@link #close()} never frees a resource a spawn in flight is using.
 */
public interface BackendTemplate extends AutoCloseable {
    /** The backend that made this template. */
    Backend kind();

    /**
     * Starts a child.
     *
     * @throws dev.spawn.SpawnException naming the errno; a {@link StaleTemplateException} when
     *     the template no longer fits its executable (the caller re-creates it)
     * @throws IllegalStateException when the template is closed
     * @throws UnsupportedOperationException when this backend cannot express the request
     */
    SpawnedProcess spawn(SpawnRequest request) throws IOException;

    /** Releases the template; idempotent. */
    @Override
    void close();
}
