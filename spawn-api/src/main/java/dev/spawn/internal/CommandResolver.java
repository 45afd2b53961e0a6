package dev.spawn.internal;

import dev.spawn.spi.Errno;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the executable for {@code argv[0]} as the JDK's child does ({@code JDK_execvpe} in
 * {@code childproc.c}): a name containing {@code '/'} is used as is, relative to the child's
 * working directory; any other name is looked up in the <em>caller's</em> {@code PATH} (never
 * the child's environment), an empty entry meaning the child's working directory. When
 * {@code PATH} is unset the JDK's child searches {@code ":/bin:/usr/bin"} if the caller replaced
 * the environment, else glibc's {@code execvp} searches {@code "/bin:/usr/bin"}, without the
 * working directory. A candidate that exists but cannot be
 * executed (a directory, no execute permission), or an entry that cannot be searched, is
 * remembered as EACCES and the search goes on; EACCES is the answer when nothing executable is
 * found after one, ENOENT otherwise. Where the
 * exec of a candidate fails, the caller resumes the search after it ({@link #resolve(String,
 * File, int)}), as the JDK's child and glibc's {@code execvp} do.
 */
public final class CommandResolver {
    /** The JDK's default when PATH is unset and the child gets an environment of its own. */
    static final String DEFAULT_PATH = ":/bin:/usr/bin";
    /** glibc's {@code execvp} default (its {@code CS_PATH}), which the JDK's child uses when the
     * child inherits the caller's environment. */
    static final String EXECVP_DEFAULT_PATH = "/bin:/usr/bin";
    /** The longest file name a directory entry can have (NAME_MAX). */
    private static final int NAME_MAX = 255;

    private final List<String> directories;
    /**
     * Per entry, an absolute entry made absolute once, with a trailing {@code '/'}; {@code null}
     * for a relative one, which depends on the child's working directory. A lookup then joins
     * a string per entry instead of normalising a path: it runs at every start.
     */
    private final String[] prefixes;

    /** A resolver over {@code path}, a PATH value ({@code null} for the JDK's default). */
    public CommandResolver(String path) {
        this.directories = split(path == null ? DEFAULT_PATH : path);
        this.prefixes = new String[directories.size()];
        for (int i = 0; i < prefixes.length; i++) {
            String dir = directories.get(i);
            if (dir.startsWith("/")) {
                String absolute = absolute("/", dir);
                prefixes[i] = absolute.endsWith("/") ? absolute : absolute + "/";
            }
        }
    }

    /**
     * A resolver over this process's {@code PATH}, or where it is unset over the default the
     * JDK's child would search.
     *
     * @param environmentReplaced whether the child gets an environment of its own (the caller
     *     touched {@code environment()}) rather than inheriting this process's
     */
    public static CommandResolver ofCallerPath(boolean environmentReplaced) {
        String path = System.getenv("PATH");
        return new CommandResolver(path != null ? path : environmentReplaced ? DEFAULT_PATH : EXECVP_DEFAULT_PATH);
    }

    private static List<String> split(String path) {
        List<String> directories = new ArrayList<>();
        int start = 0;
        while (true) {
            int colon = path.indexOf(':', start);
            String entry = colon < 0 ? path.substring(start) : path.substring(start, colon);
            directories.add(entry.isEmpty() ? "." : entry);
            if (colon < 0) {
                return List.copyOf(directories);
            }
            start = colon + 1;
        }
    }

    /**
     * What the child would exec for {@code program}.
     *
     * @param program {@code argv[0]} as the caller gave it
     * @param directory the child's working directory, or {@code null} for the caller's
     */
    public Resolution resolve(String program, File directory) {
        return resolve(program, directory, 0);
    }

    /**
     * What the child would exec for {@code program} if the PATH entries before {@code from} had
     * nothing: the search resumed after a candidate whose exec failed.
     *
     * @param program {@code argv[0]} as the caller gave it
     * @param directory the child's working directory, or {@code null} for the caller's
     * @param from the first PATH entry to look in ({@link Resolution#pathIndex()} + 1 of the
     *     candidate that failed)
     */
    public Resolution resolve(String program, File directory, int from) {
        if (program.isEmpty()) {
            return new Resolution(null, null, Errno.ENOENT);
        }
        if (program.indexOf('/') >= 0) {
            String absolute = absolute(base(directory), program);
            // "/bin/echo/" and "/bin/echo/." name a directory, which the normalised path no
            // longer says: execve fails ENOTDIR on a file there (the rest fails as it would anyway)
            if ((program.endsWith("/") || program.endsWith("/.")) && isNonDirectory(absolute)) {
                return new Resolution(null, null, Errno.ENOTDIR);
            }
            return new Resolution(absolute, program, 0);
        }
        if (program.length() > NAME_MAX / 3 && program.getBytes(StandardCharsets.UTF_8).length > NAME_MAX) {
            return new Resolution(null, null, tooLong(directory));
        }
        boolean denied = false;
        for (int i = from; i < prefixes.length; i++) {
            String absolute = candidate(i, program, directory);
            File file = new File(absolute);
            // one stat for the usual miss; a long PATH makes this the lookup's whole cost
            if (!file.exists()) {
                continue;
            }
            if (file.isFile() && file.canExecute()) {
                return new Resolution(absolute, joined(directories.get(i), program), 0, i, denied);
            }
            denied = true;
        }
        denied = denied || anyLookupDenied(program, directory);
        return new Resolution(null, null, denied ? Errno.EACCES : Errno.ENOENT, -1, denied);
    }

    /** The path PATH entry {@code index} gives {@code program}, made absolute. */
    private String candidate(int index, String program, File directory) {
        // "." and ".." would be dropped or kept as segments by absolute(): leave them to it
        boolean plainName = !program.equals(".") && !program.equals("..");
        return prefixes[index] != null && plainName ? prefixes[index] + program
                : absolute(base(directory), joined(directories.get(index), program));
    }

    /**
     * Whether any entry could not be searched: the child's execve there fails EACCES, which the
     * JDK's child keeps as its answer if nothing runs. {@link File#exists()} says false for it as
     * for a missing file, so this asks again once the search found nothing; the entries before a
     * resumed search's first were passed too, so they count.
     */
    private boolean anyLookupDenied(String program, File directory) {
        for (int i = 0; i < prefixes.length; i++) {
            try {
                Files.readAttributes(Path.of(candidate(i, program, directory)), BasicFileAttributes.class);
            } catch (AccessDeniedException e) {
                return true;
            } catch (IOException | InvalidPathException e) {
                // missing, not a directory on the way, a loop: the search goes on past these
            }
        }
        return false;
    }

    /** Whether PATH entry {@code index} is the last one searched. */
    public boolean isLastEntry(int index) {
        return index == directories.size() - 1;
    }

    /**
     * What the JDK's child gets for a name longer than NAME_MAX: ENAMETOOLONG from the first
     * PATH directory that exists (the search goes past missing ones), ENOENT when none does.
     */
    private int tooLong(File directory) {
        for (int i = 0; i < prefixes.length; i++) {
            String dir = prefixes[i] != null ? prefixes[i] : absolute(base(directory), directories.get(i));
            if (new File(dir).isDirectory()) {
                return Errno.ENAMETOOLONG;
            }
        }
        return Errno.ENOENT;
    }

    private static boolean isNonDirectory(String path) {
        File file = new File(path);
        return file.exists() && !file.isDirectory();
    }

    /** The PATH entry joined with the name, as the JDK's child passes it to execve. */
    private static String joined(String dir, String program) {
        return dir.endsWith("/") ? dir + program : dir + "/" + program;
    }

    private static String base(File directory) {
        return directory == null ? new File("").getAbsolutePath() : directory.getAbsolutePath();
    }

    /** {@code path} made absolute against {@code base}, with its {@code "."} segments dropped. */
    static String absolute(String base, String path) {
        StringBuilder out = new StringBuilder(base.length() + path.length() + 1);
        if (path.startsWith("/")) {
            out.append('/');
        } else {
            append(out, base);
        }
        append(out, path);
        if (out.length() > 1 && out.charAt(out.length() - 1) == '/') {
            out.setLength(out.length() - 1);
        }
        return out.length() == 0 ? "/" : out.toString();
    }

    private static void append(StringBuilder out, String path) {
        for (String segment : path.split("/")) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (out.length() == 0 || out.charAt(out.length() - 1) != '/') {
                out.append('/');
            }
            out.append(segment);
        }
    }

    /**
     * The outcome of a lookup.
     *
     * @param absolute the executable's absolute path (a template's key), or {@code null} on failure
     * @param execName the path the JDK's child would pass to {@code execve}: {@code argv[0]} when
     *     it contains a {@code '/'}, else the PATH entry joined with it
     * @param errno 0, or why nothing was found (ENOENT, EACCES, ENAMETOOLONG, ENOTDIR)
     * @param pathIndex the PATH entry the executable was found in, or -1 when the name was not
     *     searched (it contains a {@code '/'}) or nothing was found
     * @param denied whether the search passed a candidate it could not execute (EACCES, which
     *     the JDK reports if the search finds nothing else to run)
     */
    public record Resolution(String absolute, String execName, int errno, int pathIndex, boolean denied) {
        Resolution(String absolute, String execName, int errno) {
            this(absolute, execName, errno, -1, false);
        }

        /** Whether an executable was found. */
        public boolean found() {
            return errno == 0;
        }

        /** Whether the executable came from a PATH search, which a failed exec of it resumes. */
        public boolean searched() {
            return pathIndex >= 0;
        }
    }
}
