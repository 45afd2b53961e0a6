package dev.spawn.internal;

import dev.spawn.spi.Errno;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The errno of a path lookup that NIO failed, told from the file system and the exception's
 * type, never from its text: the reasons are strerror(3) in the JVM's locale, and JDK 25's NIO
 * says NoSuchFileException for ENOTDIR. Shared by {@code SpawnProcessBuilder}'s working
 * directory and the ProcessBuilder backend's create, so both say what the kernel would.
 */
public final class PathLookup {
    /** Linux's limits on a path (with its NUL) and on one name in it. */
    private static final int PATH_MAX = 4096;
    private static final int NAME_MAX = 255;

    private PathLookup() {
    }

    /**
     * Why the lookup of {@code path} (spelled {@code spelled} by the caller) failed with
     * {@code e} where it was neither refused (EACCES) nor found: its name too long
     * (ENAMETOOLONG), a file where a directory should be on the way (ENOTDIR), missing
     * (ENOENT), or else, a failure NIO does not call a missing file, a symlink loop (ELOOP).
     */
    public static int lookupErrno(Path path, String spelled, IOException e) {
        if (tooLong(spelled)) {
            return Errno.ENAMETOOLONG;
        }
        for (Path above = path.toAbsolutePath().getParent(); above != null; above = above.getParent()) {
            if (Files.exists(above)) {
                if (!Files.isDirectory(above)) {
                    return Errno.ENOTDIR;
                }
                break;
            }
        }
        return e instanceof NoSuchFileException ? Errno.ENOENT : Errno.ELOOP;
    }

    /** Whether the kernel refuses {@code path} for length: PATH_MAX in all, NAME_MAX a name. */
    public static boolean tooLong(String path) {
        byte[] bytes = path.getBytes(StandardCharsets.UTF_8);
        if (bytes.length >= PATH_MAX) {
            return true;
        }
        int name = 0;
        for (byte b : bytes) {
            name = b == '/' ? 0 : name + 1;
            if (name > NAME_MAX) {
                return true;
            }
        }
        return false;
    }
}
