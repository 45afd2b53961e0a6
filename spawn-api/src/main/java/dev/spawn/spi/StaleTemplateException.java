package dev.spawn.spi;

import dev.spawn.SpawnException;

/**
 * A backend template's spawn refused because the template itself no longer fits its executable:
 * ESTALE (the file was replaced or changed) or EACCES (it is no longer executable for the caller,
 * or, on the kernel backend, the caller's credentials changed since the create). Only this makes
 * {@link dev.spawn.SpawnTemplate} re-create the template and retry; an EACCES or ESTALE from the
 * caller's own setup (a redirect file, the working directory) is a plain {@link SpawnException}
 * and reaches the caller at once.
 */
public final class StaleTemplateException extends SpawnException {
    private static final long serialVersionUID = 1L;

    /**
     * @param errno ESTALE or EACCES
     * @param program the program's path as the caller named it
     * @param directory the child's working directory, or {@code null}
     * @param step the call that refused, such as {@code spawn_user_spawn}
     * @param subject the path the errno is about, or {@code null}
     * @throws IllegalArgumentException for any other errno
     */
    public StaleTemplateException(int errno, String program, String directory, String step, String subject) {
        super(Stage.BEFORE_CHILD, checked(errno), program, directory, step, -1, null, subject);
    }

    private static int checked(int errno) {
        if (errno != Errno.ESTALE && errno != Errno.EACCES) {
            throw new IllegalArgumentException("a stale template is ESTALE or EACCES, not " + Errno.name(errno));
        }
        return errno;
    }
}
