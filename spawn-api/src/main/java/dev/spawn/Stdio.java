package dev.spawn;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where one of the child's standard streams (fd 0, 1 or 2) goes. The native backends turn each
 * into pipes or files opened close-on-exec in the caller plus a {@code dup2} action; the
 * ProcessBuilder backend into a {@link ProcessBuilder.Redirect}.
 */
public final class Stdio {
    /** The kinds of standard stream a child can get. */
    public enum Kind {
        /** A pipe to the caller, read or written through the {@link Process} streams. */
        PIPE,
        /** The caller's own fd, unchanged. */
        INHERIT,
        /** {@code /dev/null}. */
        DISCARD,
        /** A file opened for reading (stdin only). */
        READ_FILE,
        /** A file created or truncated for writing (stdout, stderr). */
        WRITE_FILE,
        /** A file created or appended to (stdout, stderr). */
        APPEND_FILE,
        /** The same open file as the child's stdout (stderr only). */
        STDOUT,
        /**
         * The read end of another child's stdout pipe (stdin only): a kernel pipe between the two
         * children, as a shell joins {@code a | b}.
         */
        UPSTREAM
    }

    private static final Stdio PIPE = new Stdio(Kind.PIPE, null);
    private static final Stdio INHERIT = new Stdio(Kind.INHERIT, null);
    private static final Stdio DISCARD = new Stdio(Kind.DISCARD, null);
    private static final Stdio STDOUT = new Stdio(Kind.STDOUT, null);

    private final Kind kind;
    private final Path file;
    private final SpawnedProcess upstream;

    private Stdio(Kind kind, Path file) {
        this(kind, file, null);
    }

    private Stdio(Kind kind, Path file, SpawnedProcess upstream) {
        this.kind = kind;
        this.file = file;
        this.upstream = upstream;
    }

    /** A pipe to the caller (the default for all three streams, as with ProcessBuilder). */
    public static Stdio pipe() {
        return PIPE;
    }

    /** The caller's own stream. */
    public static Stdio inherit() {
        return INHERIT;
    }

    /** {@code /dev/null}. */
    public static Stdio discard() {
        return DISCARD;
    }

    /**
     * Read from {@code file} (stdin only).
     *
     * @throws IllegalArgumentException when it is not on the default file system or contains NUL
     */
    public static Stdio readFrom(Path file) {
        return new Stdio(Kind.READ_FILE, Checks.localPath("readFrom file", file));
    }

    /**
     * Write to {@code file}, created or truncated (stdout or stderr).
     *
     * @throws IllegalArgumentException when it is not on the default file system or contains NUL
     */
    public static Stdio writeTo(Path file) {
        return new Stdio(Kind.WRITE_FILE, Checks.localPath("writeTo file", file));
    }

    /**
     * Append to {@code file}, created if missing (stdout or stderr).
     *
     * @throws IllegalArgumentException when it is not on the default file system or contains NUL
     */
    public static Stdio appendTo(Path file) {
        return new Stdio(Kind.APPEND_FILE, Checks.localPath("appendTo file", file));
    }

    /** stderr only: the same destination as stdout, as {@code redirectErrorStream(true)}. */
    public static Stdio toStdout() {
        return STDOUT;
    }

    /**
     * stdin only: what {@code upstream} writes to its stdout, through a kernel pipe from it to
     * this child with no thread or copy in between, as a shell's {@code upstream | child}.
     * {@code upstream} must have been started with {@link #pipe()} for stdout and must come from
     * a native backend. Spawning hands the pipe's read end to the new child: {@code upstream}'s
     * {@link SpawnedProcess#getInputStream()} then reads end of file. Bytes the caller already
     * read from that stream are not passed on; bytes it buffered but did not hand out are refused
     * with {@link IllegalArgumentException} rather than lost. If the spawn fails, the pipe stays
     * {@code upstream}'s, unread, and the spawn can be retried. When {@code upstream} has already
     * exited, what it left in the pipe is replayed.
     *
     * @throws NullPointerException if {@code upstream} is null
     */
    public static Stdio stdoutOf(SpawnedProcess upstream) {
        return new Stdio(Kind.UPSTREAM, null, Objects.requireNonNull(upstream, "upstream"));
    }

    /** What kind of stream this is. */
    public Kind kind() {
        return kind;
    }

    /** The file of a READ_FILE, WRITE_FILE or APPEND_FILE stream, else {@code null}. */
    public Path file() {
        return file;
    }

    /** The child whose stdout an UPSTREAM stream reads, else {@code null}. */
    public SpawnedProcess upstream() {
        return upstream;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Stdio && ((Stdio) other).kind == kind && Objects.equals(((Stdio) other).file, file)
                && ((Stdio) other).upstream == upstream;
    }

    @Override
    public int hashCode() {
        return (kind.hashCode() * 31 + Objects.hashCode(file)) * 31 + System.identityHashCode(upstream);
    }

    @Override
    public String toString() {
        if (upstream != null) {
            return kind.name() + " of " + upstream;
        }
        return file == null ? kind.name() : kind.name() + " " + file;
    }
}
