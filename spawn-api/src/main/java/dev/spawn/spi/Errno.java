package dev.spawn.spi;

import java.util.HashMap;
import java.util.Map;

/** Names and descriptions of Linux x86-64 errno values, for error messages. */
public final class Errno {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int ESRCH = 3;
    public static final int EINTR = 4;
    public static final int EIO = 5;
    public static final int E2BIG = 7;
    public static final int ENOEXEC = 8;
    public static final int EBADF = 9;
    public static final int ECHILD = 10;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EFAULT = 14;
    public static final int EEXIST = 17;
    public static final int ENODEV = 19;
    public static final int ENOTDIR = 20;
    public static final int EISDIR = 21;
    public static final int EINVAL = 22;
    public static final int ENFILE = 23;
    public static final int EMFILE = 24;
    public static final int ETXTBSY = 26;
    public static final int EPIPE = 32;
    public static final int ENAMETOOLONG = 36;
    public static final int ENOSYS = 38;
    public static final int ELOOP = 40;
    public static final int EPROTO = 71;
    public static final int ETIMEDOUT = 110;
    public static final int ESTALE = 116;

    private static final Map<Integer, String[]> TABLE = new HashMap<>();

    static {
        add(EPERM, "EPERM", "Operation not permitted");
        add(ENOENT, "ENOENT", "No such file or directory");
        add(ESRCH, "ESRCH", "No such process");
        add(EINTR, "EINTR", "Interrupted system call");
        add(EIO, "EIO", "Input/output error");
        add(E2BIG, "E2BIG", "Argument list too long");
        add(ENOEXEC, "ENOEXEC", "Exec format error");
        add(EBADF, "EBADF", "Bad file descriptor");
        add(ECHILD, "ECHILD", "No child processes");
        add(EAGAIN, "EAGAIN", "Resource temporarily unavailable");
        add(ENOMEM, "ENOMEM", "Cannot allocate memory");
        add(EACCES, "EACCES", "Permission denied");
        add(EFAULT, "EFAULT", "Bad address");
        add(EEXIST, "EEXIST", "File exists");
        add(ENOTDIR, "ENOTDIR", "Not a directory");
        add(EISDIR, "EISDIR", "Is a directory");
        add(EINVAL, "EINVAL", "Invalid argument");
        add(ENFILE, "ENFILE", "Too many open files in system");
        add(EMFILE, "EMFILE", "Too many open files");
        add(ETXTBSY, "ETXTBSY", "Text file busy");
        add(EPIPE, "EPIPE", "Broken pipe");
        add(ENAMETOOLONG, "ENAMETOOLONG", "File name too long");
        add(ENOSYS, "ENOSYS", "Function not implemented");
        add(ELOOP, "ELOOP", "Too many levels of symbolic links");
        add(EPROTO, "EPROTO", "Protocol error");
        add(ETIMEDOUT, "ETIMEDOUT", "Connection timed out");
        add(ESTALE, "ESTALE", "Stale file handle");
        add(30, "EROFS", "Read-only file system");
        add(28, "ENOSPC", "No space left on device");
        add(ENODEV, "ENODEV", "No such device");
        add(6, "ENXIO", "No such device or address");
        add(16, "EBUSY", "Device or resource busy");
        // the rest of execve(2)'s list: an ELF whose interpreter is not one
        add(80, "ELIBBAD", "Accessing a corrupted shared library");
    }

    private Errno() {
    }

    private static void add(int errno, String name, String description) {
        TABLE.put(errno, new String[] {name, description});
    }

    /** The symbolic name, such as {@code ENOENT}, or {@code errno N} when unknown. */
    public static String name(int errno) {
        String[] entry = TABLE.get(errno);
        return entry == null ? "errno " + errno : entry[0];
    }

    /** The strerror-style description, such as {@code No such file or directory}. */
    public static String description(int errno) {
        String[] entry = TABLE.get(errno);
        return entry == null ? "Unknown error " + errno : entry[1];
    }

    /**
     * The errno whose strerror-style description is {@code description} (as the JDK's
     * {@code FileNotFoundException} messages end, {@code "path (Permission denied)"}), or -1.
     */
    public static int fromDescription(String description) {
        for (Map.Entry<Integer, String[]> entry : TABLE.entrySet()) {
            if (entry.getValue()[1].equals(description)) {
                return entry.getKey();
            }
        }
        return -1;
    }

    /** {@code NAME (description)}, as used in exception messages. */
    public static String describe(int errno) {
        return name(errno) + " (" + description(errno) + ")";
    }
}
