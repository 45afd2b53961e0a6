package dev.spawn;

import java.util.Objects;

/**
 * One step the child runs after it exists and before it execs, in the order given. These are
 * the seven actions of the spawn-template RFC, named after the POSIX calls they become, and each
 * is validated on construction exactly as the kernel validates it: a malformed action throws
 * {@link IllegalArgumentException} before any system call.
 *
 * <p>File descriptor numbers are the child's, which start as copies of the caller's. The
 * ProcessBuilder backend cannot run actions and rejects a request that has any.
 */
public sealed interface SpawnAction {

    /** {@code O_RDONLY} for {@link #open}. */
    int O_RDONLY = 0;
    /** {@code O_WRONLY} for {@link #open}. */
    int O_WRONLY = 0x1;
    /** {@code O_RDWR} for {@link #open}. */
    int O_RDWR = 0x2;
    /** {@code O_CREAT} for {@link #open}. */
    int O_CREAT = 0x40;
    /** {@code O_EXCL} for {@link #open}. */
    int O_EXCL = 0x80;
    /** {@code O_NOCTTY} for {@link #open}. */
    int O_NOCTTY = 0x100;
    /** {@code O_TRUNC} for {@link #open}. */
    int O_TRUNC = 0x200;
    /** {@code O_APPEND} for {@link #open}. */
    int O_APPEND = 0x400;
    /** {@code O_NONBLOCK} for {@link #open}. */
    int O_NONBLOCK = 0x800;
    /** {@code O_DIRECTORY} for {@link #open}. */
    int O_DIRECTORY = 0x10000;
    /** {@code O_NOFOLLOW} for {@link #open}. */
    int O_NOFOLLOW = 0x20000;
    /** {@code O_CLOEXEC} for {@link #open} and {@link #dup2(int, int, boolean)}. */
    int O_CLOEXEC = 0x80000;
    /** {@code O_PATH} for {@link #open}. */
    int O_PATH = 0x200000;

    /** {@code RESOLVE_NO_XDEV} for {@link #open}. */
    long RESOLVE_NO_XDEV = 0x01;
    /** {@code RESOLVE_NO_MAGICLINKS} for {@link #open}. */
    long RESOLVE_NO_MAGICLINKS = 0x02;
    /** {@code RESOLVE_NO_SYMLINKS} for {@link #open}. */
    long RESOLVE_NO_SYMLINKS = 0x04;
    /** {@code RESOLVE_BENEATH} for {@link #open}. */
    long RESOLVE_BENEATH = 0x08;
    /** {@code RESOLVE_IN_ROOT} for {@link #open}. */
    long RESOLVE_IN_ROOT = 0x10;
    /** {@code RESOLVE_CACHED} for {@link #open}. */
    long RESOLVE_CACHED = 0x20;

    /** {@code CLOSE_RANGE_UNSHARE} for {@link #closeRange}. */
    int CLOSE_RANGE_UNSHARE = 0x2;
    /** {@code CLOSE_RANGE_CLOEXEC} for {@link #closeRange}. */
    int CLOSE_RANGE_CLOEXEC = 0x4;

    /** {@code AT_FDCWD}: the directory fd that means "the child's working directory". */
    int AT_FDCWD = -100;

    /** The RFC's action type, as encoded for the kernel. */
    enum Type {
        CLOSE(0), DUP2(1), FCHDIR(2), OPEN(3), CLOSE_RANGE(4), SIGMASK(5), SIGDEFAULT(6);

        private final int code;

        Type(int code) {
            this.code = code;
        }

        /** The value of {@code struct spawn_template_action.type}. */
        public int code() {
            return code;
        }
    }

    /** This action's RFC type. */
    Type type();

    /**
     * {@code close(fd)}: fails the spawn with EBADF when {@code fd} is not open in the child.
     *
     * @implNote SPAWN_TEMPLATE_ACTION_CLOSE
     */
    static SpawnAction close(int fd) {
        return new Close(fd);
    }

    /**
     * {@code dup2(fd, newfd)}: the copy at {@code newfd} is inherited across exec, also above 2
     * without {@link SpawnRequest.Builder#inheritFds inheritFds}. When both are equal it only
     * checks that {@code fd} is open (and, as the kernel does, does not clear its close-on-exec
     * flag).
     *
     * @implNote SPAWN_TEMPLATE_ACTION_DUP2 with flags 0 ({@code dup3(fd, newfd, 0)})
     */
    static SpawnAction dup2(int fd, int newfd) {
        return new Dup2(fd, newfd, false);
    }

    /**
     * {@code dup3(fd, newfd, closeOnExec ? O_CLOEXEC : 0)}.
     *
     * @throws IllegalArgumentException when {@code closeOnExec} is asked with {@code fd == newfd}
     * @implNote SPAWN_TEMPLATE_ACTION_DUP2 with flags O_CLOEXEC
     */
    static SpawnAction dup2(int fd, int newfd, boolean closeOnExec) {
        return new Dup2(fd, newfd, closeOnExec);
    }

    /**
     * {@code fchdir(fd)}: {@code fd} must be an open directory in the child.
     *
     * @implNote SPAWN_TEMPLATE_ACTION_FCHDIR
     */
    static SpawnAction fchdir(int fd) {
        return new Fchdir(fd);
    }

    /**
     * {@code openat2(dirfd, path, how)} installed at {@code newfd}; close-on-exec only when
     * {@code flags} has {@link #O_CLOEXEC}.
     *
     * @param dirfd {@link #AT_FDCWD} or a directory fd of the child
     * @param flags open flags, such as {@code O_WRONLY | O_CREAT | O_TRUNC}
     * @param mode permission bits for a created file; must be 0 unless {@code O_CREAT}
     * @param resolve {@code RESOLVE_*} bits
     * @implNote SPAWN_TEMPLATE_ACTION_OPEN
     */
    static SpawnAction open(int dirfd, String path, int newfd, int flags, int mode, long resolve) {
        return new Open(dirfd, path, newfd, flags, mode, resolve);
    }

    /** {@code open(path, flags, mode)} relative to the child's working directory, at {@code newfd}. */
    static SpawnAction open(String path, int newfd, int flags, int mode) {
        return new Open(AT_FDCWD, path, newfd, flags, mode, 0);
    }

    /**
     * {@code close_range(first, last, flags)}.
     *
     * @implNote SPAWN_TEMPLATE_ACTION_CLOSE_RANGE
     */
    static SpawnAction closeRange(int first, int last, int flags) {
        return new CloseRange(first, last, flags);
    }

    /**
     * {@code close_range(first, ~0U, flags)}: every fd from {@code first} up.
     *
     * @implNote SPAWN_TEMPLATE_ACTION_CLOSE_RANGE with newfd -1
     */
    static SpawnAction closeRangeToMax(int first, int flags) {
        return new CloseRange(first, CloseRange.TO_MAX, flags);
    }

    /**
     * {@code sigprocmask(SIG_SETMASK, signals)}; SIGKILL and SIGSTOP are dropped, as the kernel
     * does.
     *
     * @param signals signal numbers, 1 to 64
     * @implNote SPAWN_TEMPLATE_ACTION_SIGMASK
     */
    static SpawnAction sigmask(int... signals) {
        return new SigMask(SignalSet.of(signals));
    }

    /** {@link #sigmask(int...)} from a mask with signal n at bit n-1. */
    static SpawnAction sigmaskBits(long mask) {
        return new SigMask(mask);
    }

    /**
     * Resets each listed signal's disposition to {@code SIG_DFL}.
     *
     * @param signals signal numbers, 1 to 63: the RFC's SIGDEFAULT walks the signals below
     *     {@code _NSIG} (64), so signal 64 could not be reset and is refused
     * @throws IllegalArgumentException for a signal outside 1 to 63
     * @implNote SPAWN_TEMPLATE_ACTION_SIGDEFAULT
     */
    static SpawnAction sigdefault(int... signals) {
        return new SigDefault(SignalSet.of(signals));
    }

    /** {@link #sigdefault(int...)} from a mask with signal n at bit n-1. */
    static SpawnAction sigdefaultBits(long mask) {
        return new SigDefault(mask);
    }

    /** {@code close(fd)}. */
    record Close(int fd) implements SpawnAction {
        public Close {
            Checks.nonNegative("close", "fd", fd);
        }

        @Override
        public Type type() {
            return Type.CLOSE;
        }

        @Override
        public String toString() {
            return "close(" + fd + ")";
        }
    }

    /** {@code dup3(fd, newfd, closeOnExec ? O_CLOEXEC : 0)}. */
    record Dup2(int fd, int newfd, boolean closeOnExec) implements SpawnAction {
        public Dup2 {
            Checks.nonNegative("dup2", "fd", fd);
            Checks.nonNegative("dup2", "newfd", newfd);
            if (closeOnExec && fd == newfd) {
                throw new IllegalArgumentException(
                        "dup2(" + fd + ", " + newfd + ", O_CLOEXEC): flags must be 0 when fd == newfd");
            }
        }

        @Override
        public Type type() {
            return Type.DUP2;
        }

        @Override
        public String toString() {
            return closeOnExec ? "dup3(" + fd + ", " + newfd + ", O_CLOEXEC)" : "dup2(" + fd + ", " + newfd + ")";
        }
    }

    /** {@code fchdir(fd)}. */
    record Fchdir(int fd) implements SpawnAction {
        public Fchdir {
            Checks.nonNegative("fchdir", "fd", fd);
        }

        @Override
        public Type type() {
            return Type.FCHDIR;
        }

        @Override
        public String toString() {
            return "fchdir(" + fd + ")";
        }
    }

    /** {@code openat2(dirfd, path, {flags, mode, resolve})} installed at {@code newfd}. */
    record Open(int dirfd, String path, int newfd, int flags, int mode, long resolve) implements SpawnAction {
        public Open {
            Objects.requireNonNull(path, "path");
            if (dirfd < 0 && dirfd != AT_FDCWD) {
                throw new IllegalArgumentException("open: dirfd " + dirfd + " is neither AT_FDCWD nor an fd");
            }
            Checks.nonNegative("open", "newfd", newfd);
            Checks.openHow(path, flags, mode, resolve);
        }

        @Override
        public Type type() {
            return Type.OPEN;
        }

        @Override
        public String toString() {
            return "open(" + (dirfd == AT_FDCWD ? "AT_FDCWD" : Integer.toString(dirfd)) + ", \"" + path
                    + "\", 0x" + Integer.toHexString(flags) + ", 0" + Integer.toOctalString(mode)
                    + (resolve == 0 ? "" : ", resolve=0x" + Long.toHexString(resolve)) + ") -> " + newfd;
        }
    }

    /** {@code close_range(first, last, flags)}; {@code last == -1} means the largest fd. */
    record CloseRange(int first, int last, int flags) implements SpawnAction {
        /** The value of {@link #last()} that means "to the largest possible fd". */
        public static final int TO_MAX = -1;

        public CloseRange {
            Checks.nonNegative("closeRange", "first", first);
            if (last < TO_MAX) {
                throw new IllegalArgumentException("closeRange: last " + last + " is neither an fd nor TO_MAX (-1)");
            }
            if (last != TO_MAX && first > last) {
                throw new IllegalArgumentException("closeRange: first " + first + " is above last " + last);
            }
            if ((flags & ~(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC)) != 0) {
                throw new IllegalArgumentException("closeRange: flags 0x" + Integer.toHexString(flags)
                        + " has bits other than CLOSE_RANGE_UNSHARE and CLOSE_RANGE_CLOEXEC");
            }
        }

        @Override
        public Type type() {
            return Type.CLOSE_RANGE;
        }

        @Override
        public String toString() {
            return "closeRange(" + first + ", " + (last == TO_MAX ? "max" : Integer.toString(last))
                    + (flags == 0 ? "" : ", 0x" + Integer.toHexString(flags)) + ")";
        }
    }

    /** {@code sigprocmask(SIG_SETMASK, mask)}, signal n at bit n-1. */
    record SigMask(long mask) implements SpawnAction {
        @Override
        public Type type() {
            return Type.SIGMASK;
        }

        @Override
        public String toString() {
            return "sigmask(" + SignalSet.toString(mask) + ")";
        }
    }

    /** {@code SIG_DFL} for each signal in {@code mask}, signal n at bit n-1. */
    record SigDefault(long mask) implements SpawnAction {
        public SigDefault {
            if (mask < 0) {
                throw new IllegalArgumentException("sigdefault: signal 64 cannot be reset (the RFC's SIGDEFAULT"
                        + " covers signals 1 to 63)");
            }
        }

        @Override
        public Type type() {
            return Type.SIGDEFAULT;
        }

        @Override
        public String toString() {
            return "sigdefault(" + SignalSet.toString(mask) + ")";
        }
    }
}
