package dev.spawn.linux;

import dev.spawn.SpawnException;
import dev.spawn.spi.Errno;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

/** The exception for a template that could not be created, by errno. */
final class CreateErrors {
    private CreateErrors() {
    }

    static IOException of(int errno, String program, String step) {
        if (errno == Errno.ENOENT) {
            return new NoSuchFileException(program, null, step + ": " + Errno.describe(errno));
        }
        if (errno == Errno.EACCES) {
            return new AccessDeniedException(program, null,
                    step + ": " + Errno.describe(errno) + ": not an executable regular file on an exec mount");
        }
        return new SpawnException(SpawnException.Stage.CREATE, errno, program, null, step, -1, null, program);
    }
}
