package dev.spawn;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.Objects;

/** Argument checks shared by the value types; each message names the call and the bad value. */
final class Checks {
    private static final int KNOWN_OPEN_FLAGS = 0x3 | SpawnAction.O_CREAT | SpawnAction.O_EXCL
            | SpawnAction.O_NOCTTY | SpawnAction.O_TRUNC | SpawnAction.O_APPEND | SpawnAction.O_NONBLOCK
            | 0x1000 /* O_DSYNC */ | 0x2000 /* FASYNC */ | 0x4000 /* O_DIRECT */ | 0x8000 /* O_LARGEFILE */
            | SpawnAction.O_DIRECTORY | SpawnAction.O_NOFOLLOW | 0x40000 /* O_NOATIME */
            | SpawnAction.O_CLOEXEC | 0x100000 /* __O_SYNC */ | SpawnAction.O_PATH | 0x400000 /* __O_TMPFILE */;
    private static final int O_TMPFILE = 0x400000 | SpawnAction.O_DIRECTORY;
    private static final int O_PATH_ALLOWED = SpawnAction.O_DIRECTORY | SpawnAction.O_NOFOLLOW
            | SpawnAction.O_PATH | SpawnAction.O_CLOEXEC;
    private static final long KNOWN_RESOLVE = 0x3f;

    private Checks() {
    }

    static void nonNegative(String call, String name, int fd) {
        if (fd < 0) {
            throw new IllegalArgumentException(call + ": " + name + " " + fd + " is negative");
        }
    }

    static void noNul(String what, String value) {
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(what + " contains a NUL character: \"" + value.replace("\0", "\\0") + "\"");
        }
    }

    /**
     * {@code path}, checked to name a file of this process's own file system (a child sees no
     * other: a zip file system's path would name an unrelated file) without NUL.
     */
    static Path localPath(String what, Path path) {
        Objects.requireNonNull(path, what);
        if (path.getFileSystem() != FileSystems.getDefault()) {
            throw new IllegalArgumentException(what + " \"" + path + "\" is not on the default file system ("
                    + path.getFileSystem().provider().getScheme() + "), which is all a child can see");
        }
        noNul(what, path.toString());
        return path;
    }

    /** The checks openat2's build_open_flags() makes, so a bad open fails here, not in the child. */
    static void openHow(String path, int flags, int mode, long resolve) {
        String call = "open(\"" + path + "\")";
        noNul(call + " path", path);
        if (path.isEmpty()) {
            throw new IllegalArgumentException(call + ": path is empty");
        }
        if ((flags & ~KNOWN_OPEN_FLAGS) != 0) {
            throw new IllegalArgumentException(call + ": unknown flag bits 0x" + Integer.toHexString(flags & ~KNOWN_OPEN_FLAGS));
        }
        boolean creates = (flags & SpawnAction.O_CREAT) != 0 || (flags & O_TMPFILE) == O_TMPFILE;
        if (mode != 0 && !creates) {
            throw new IllegalArgumentException(call + ": mode 0" + Integer.toOctalString(mode) + " needs O_CREAT or O_TMPFILE");
        }
        if ((mode & ~07777) != 0) {
            throw new IllegalArgumentException(call + ": mode 0" + Integer.toOctalString(mode) + " has bits above 07777");
        }
        if ((resolve & ~KNOWN_RESOLVE) != 0) {
            throw new IllegalArgumentException(call + ": unknown resolve bits 0x" + Long.toHexString(resolve & ~KNOWN_RESOLVE));
        }
        if ((resolve & SpawnAction.RESOLVE_BENEATH) != 0 && (resolve & SpawnAction.RESOLVE_IN_ROOT) != 0) {
            throw new IllegalArgumentException(call + ": RESOLVE_BENEATH and RESOLVE_IN_ROOT exclude each other");
        }
        if ((flags & SpawnAction.O_PATH) != 0 && (flags & ~O_PATH_ALLOWED) != 0) {
            throw new IllegalArgumentException(call + ": O_PATH allows only O_DIRECTORY, O_NOFOLLOW and O_CLOEXEC");
        }
        if ((flags & O_TMPFILE) == O_TMPFILE && (flags & 0x3) == SpawnAction.O_RDONLY) {
            throw new IllegalArgumentException(call + ": O_TMPFILE needs O_WRONLY or O_RDWR");
        }
        if ((flags & SpawnAction.O_CREAT) != 0 && (flags & SpawnAction.O_DIRECTORY) != 0) {
            throw new IllegalArgumentException(call + ": O_CREAT and O_DIRECTORY exclude each other");
        }
    }
}
