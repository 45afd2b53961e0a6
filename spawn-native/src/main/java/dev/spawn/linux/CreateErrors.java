package dev.spawn.linux;

import dev.spawn.SpawnException;
import dev.spawn.spi.Errno;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

/** The exception for a template that could not be created, by errno. */
final class CreateErrors {
    /** Every check that says EACCES at a create, for a create that cannot tell which one did (the kernel's). */
    static final String ANY_DENIAL =
            "not an executable regular file, on a noexec mount, or in a directory on its path that cannot be searched";

    private CreateErrors() {
    }

    static IOException of(int errno, String program, String step) {
        return of(errno, program, step, ANY_DENIAL);
    }

    /**
     * As {@link #of(int, String, String)} for USERSPACE's create, which says in {@code denied}
     * (a {@code SPAWN_DENIED_*}) which of its checks refused the file with EACCES: a directory on
     * the path is not the file's fault, and the fix differs for each.
     */
    static IOException ofUserspace(int errno, int denied, String program, String step) {
        return of(errno, program, step, deniedWhy(denied));
    }

    private static String deniedWhy(int denied) {
        return switch (denied) {
            case LibSpawn.DENIED_SEARCH -> "a directory on its path cannot be searched";
            case LibSpawn.DENIED_NOT_REGULAR -> "not a regular file";
            case LibSpawn.DENIED_NOEXEC_MOUNT -> "on a noexec mount";
            case LibSpawn.DENIED_NOT_EXECUTABLE -> "the caller may not execute it";
            default -> ANY_DENIAL;
        };
    }

    private static IOException of(int errno, String program, String step, String denial) {
        if (errno == Errno.ENOENT) {
            return new NoSuchFileException(program, null, step + ": " + Errno.describe(errno));
        }
        if (errno == Errno.EACCES) {
            return new AccessDeniedException(program, null, step + ": " + Errno.describe(errno) + ": " + denial);
        }
        return new SpawnException(SpawnException.Stage.CREATE, errno, program, null, step, -1, null, program);
    }
}
