package dev.spawn;

import dev.spawn.internal.ChildEnvironment;
import dev.spawn.internal.CommandResolver;
import dev.spawn.internal.DropInProcess;
import dev.spawn.internal.PathLookup;
import dev.spawn.internal.PipePump;
import dev.spawn.internal.StartFailures;
import dev.spawn.internal.TemplateCache;
import dev.spawn.spi.Errno;
import dev.spawn.spi.NullStreams;
import java.io.BufferedOutputStream;
import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A drop-in for {@link java.lang.ProcessBuilder}: the same methods with the same contract,
 * whose {@link #start()} spawns from a cached {@link SpawnTemplate} of {@link Spawner#system()}
 * instead. Change the import and the constructor call; the {@link Process} it returns is a
 * {@link SpawnedProcess} whose exit is collected by the library's one reaper thread, not one
 * thread per child.
 *
 * <p>What is kept from ProcessBuilder, by design and checked by a differential test suite:
 * <ul>
 *   <li>the command name is resolved as the JDK's child does: a name with a {@code '/'} is used
 *       as is, relative to {@link #directory()}; any other name is searched in the <em>caller's</em>
 *       {@code PATH} (changing {@code PATH} in {@link #environment()} does not change the
 *       lookup); a file that is not an executable script or ELF runs under {@code /bin/sh}, as
 *       {@code execvp} does;</li>
 *   <li>the child's {@code argv[0]} is {@code command().get(0)} as given;</li>
 *   <li>{@link #environment()} is a copy of the caller's environment with the JDK's checks;</li>
 *   <li>{@link #start()} throws the same exception types with the same messages
 *       ({@code Cannot run program "x" (in directory "d"): error=2, No such file or directory}),
 *       the library's own exception attached as suppressed;</li>
 *   <li>exit status {@code 128 + signal} for a signalled child; {@code destroy} closes the
 *       streams; redirect files are opened before the child exists, relative to the caller's
 *       working directory.</li>
 * </ul>
 *
 * <p>Templates are cached, one per absolute executable path, least recently used first out;
 * the cache holds {@code spawn.templateCache.size} templates (system property, default 64,
 * 0 for none), closes a template evicted once no spawn uses it, closes one no spawn has used
 * for {@code spawn.templateCache.idleSeconds} (default 60, 0 for never), and closes them all at
 * JVM shutdown. A cached template holds its executable open: meanwhile the file system it is on
 * cannot be unmounted, a deleted executable keeps its blocks, and on KERNEL_TEMPLATE the file
 * cannot be opened for writing (ETXTBSY). A cached template whose file was replaced (a tool
 * upgraded by rename) is re-created at its next spawn, so the new binary runs.
 *
 * <p>Differences: see {@code docs/MIGRATING.md}. In short, on the KERNEL_TEMPLATE backend a
 * child that cannot exec exits with 127 or 126 instead of {@code start()} throwing; on the
 * PROCESS_BUILDER fallback {@code argv[0]} is the executable's path and {@link #startPipeline}
 * joins stages through a copying thread per joint instead of one kernel pipe; arguments and
 * environment are always encoded in UTF-8.
 *
 * <p>Like ProcessBuilder, this class is not synchronized.
 */
public final class SpawnProcessBuilder {
    private static final Logger LOG = LoggerFactory.getLogger(SpawnProcessBuilder.class);
    private static final String SHELL = "/bin/sh";
    /** ProcessBuilder's stdin buffer ({@code ProcessPipeOutputStream}). */
    private static final int STDIN_BUFFER = 8192;

    private List<String> command;
    private File directory;
    private Map<String, String> environment;
    private boolean redirectErrorStream;
    private Redirect[] redirects;

    /**
     * A builder for {@code command}, which is kept, not copied: later changes to the list are
     * seen, as with {@link ProcessBuilder#ProcessBuilder(List)}.
     *
     * @throws NullPointerException if {@code command} is null
     */
    public SpawnProcessBuilder(List<String> command) {
        if (command == null) {
            throw new NullPointerException();
        }
        this.command = command;
    }

    /** A builder for the program and arguments {@code command}, copied into a new list. */
    public SpawnProcessBuilder(String... command) {
        this.command = new ArrayList<>(Arrays.asList(command));
    }

    /**
     * Sets the program and its arguments to {@code command}, kept, not copied.
     *
     * @return this builder
     * @throws NullPointerException if {@code command} is null
     */
    public SpawnProcessBuilder command(List<String> command) {
        if (command == null) {
            throw new NullPointerException();
        }
        this.command = command;
        return this;
    }

    /**
     * Sets the program and its arguments to {@code command}, copied into a new list.
     *
     * @return this builder
     */
    public SpawnProcessBuilder command(String... command) {
        this.command = new ArrayList<>(Arrays.asList(command));
        return this;
    }

    /** The program and its arguments: the list itself, changes to it are seen by {@link #start()}. */
    public List<String> command() {
        return command;
    }

    /**
     * The child's environment, created on first call as a mutable copy of this process's
     * environment. Until it is called, children get this process's environment unchanged.
     * As ProcessBuilder's map, it throws {@link IllegalArgumentException} for a name containing
     * {@code '='} or NUL and a value containing NUL, {@link NullPointerException} for null and
     * {@link ClassCastException} for a key or value that is not a {@code String}; its views
     * support removal but not addition.
     */
    public Map<String, String> environment() {
        if (environment == null) {
            environment = new ChildEnvironment(System.getenv());
        }
        return environment;
    }

    /** The child's working directory; {@code null} (the default) means this process's. */
    public File directory() {
        return directory;
    }

    /**
     * Sets the child's working directory; {@code null} means this process's. A relative directory
     * is relative to this process's working directory.
     *
     * @return this builder
     */
    public SpawnProcessBuilder directory(File directory) {
        this.directory = directory;
        return this;
    }

    private Redirect[] redirects() {
        if (redirects == null) {
            redirects = new Redirect[] {Redirect.PIPE, Redirect.PIPE, Redirect.PIPE};
        }
        return redirects;
    }

    /**
     * Sets the child's standard input: {@link Redirect#PIPE} (the default), {@link Redirect#INHERIT}
     * or {@link Redirect#from(File)}.
     *
     * @return this builder
     * @throws IllegalArgumentException for a redirect of type WRITE or APPEND
     * @throws NullPointerException if {@code source} is null
     */
    public SpawnProcessBuilder redirectInput(Redirect source) {
        if (source.type() == Redirect.Type.WRITE || source.type() == Redirect.Type.APPEND) {
            throw new IllegalArgumentException("Redirect invalid for reading: " + source);
        }
        redirects()[0] = source;
        return this;
    }

    /**
     * Sets the child's standard output: {@link Redirect#PIPE} (the default), {@link Redirect#INHERIT},
     * {@link Redirect#DISCARD}, {@link Redirect#to(File)} or {@link Redirect#appendTo(File)}.
     *
     * @return this builder
     * @throws IllegalArgumentException for a redirect of type READ
     * @throws NullPointerException if {@code destination} is null
     */
    public SpawnProcessBuilder redirectOutput(Redirect destination) {
        if (destination.type() == Redirect.Type.READ) {
            throw new IllegalArgumentException("Redirect invalid for writing: " + destination);
        }
        redirects()[1] = destination;
        return this;
    }

    /**
     * Sets the child's standard error, as {@link #redirectOutput(Redirect)}; ignored while
     * {@link #redirectErrorStream()} is true.
     *
     * @return this builder
     * @throws IllegalArgumentException for a redirect of type READ
     * @throws NullPointerException if {@code destination} is null
     */
    public SpawnProcessBuilder redirectError(Redirect destination) {
        if (destination.type() == Redirect.Type.READ) {
            throw new IllegalArgumentException("Redirect invalid for writing: " + destination);
        }
        redirects()[2] = destination;
        return this;
    }

    /**
     * Reads the child's standard input from {@code file}: {@code redirectInput(Redirect.from(file))}.
     *
     * @return this builder
     */
    public SpawnProcessBuilder redirectInput(File file) {
        return redirectInput(Redirect.from(file));
    }

    /**
     * Writes the child's standard output to {@code file}, truncated: {@code redirectOutput(Redirect.to(file))}.
     *
     * @return this builder
     */
    public SpawnProcessBuilder redirectOutput(File file) {
        return redirectOutput(Redirect.to(file));
    }

    /**
     * Writes the child's standard error to {@code file}, truncated: {@code redirectError(Redirect.to(file))}.
     *
     * @return this builder
     */
    public SpawnProcessBuilder redirectError(File file) {
        return redirectError(Redirect.to(file));
    }

    /** The child's standard input; {@link Redirect#PIPE} unless set. */
    public Redirect redirectInput() {
        return redirects == null ? Redirect.PIPE : redirects[0];
    }

    /** The child's standard output; {@link Redirect#PIPE} unless set. */
    public Redirect redirectOutput() {
        return redirects == null ? Redirect.PIPE : redirects[1];
    }

    /** The child's standard error; {@link Redirect#PIPE} unless set. */
    public Redirect redirectError() {
        return redirects == null ? Redirect.PIPE : redirects[2];
    }

    /**
     * Sets all three standard streams to {@link Redirect#INHERIT}: the child uses this process's.
     *
     * @return this builder
     */
    public SpawnProcessBuilder inheritIO() {
        Arrays.fill(redirects(), Redirect.INHERIT);
        return this;
    }

    /** Whether the child's standard error goes where its standard output goes (default false). */
    public boolean redirectErrorStream() {
        return redirectErrorStream;
    }

    /**
     * Sends the child's standard error where its standard output goes; {@link Process#getErrorStream()}
     * then reads nothing.
     *
     * @return this builder
     */
    public SpawnProcessBuilder redirectErrorStream(boolean redirectErrorStream) {
        this.redirectErrorStream = redirectErrorStream;
        return this;
    }

    /**
     * Starts a child with this builder's settings, from the cached template of its executable.
     *
     * @return the child, a {@link SpawnedProcess}
     * @throws NullPointerException if an element of the command is null
     * @throws IndexOutOfBoundsException if the command is empty
     * @throws IOException if the child cannot be started, with ProcessBuilder's message; an
     *     argument containing NUL is {@code IOException("invalid null character in command")}
     */
    public Process start() throws IOException {
        return wrap(spawn(redirectInput(), redirectOutput(), null), redirectInput() == Redirect.PIPE,
                redirectOutput() == Redirect.PIPE);
    }

    /**
     * The child as ProcessBuilder returns it: a stream that is not a pipe is ProcessBuilder's
     * null stream (never closed, so closing one process's null stream cannot affect another's),
     * and stdin is buffered (8 KiB) as ProcessBuilder's is, so small writes cost no write(2)
     * each and a write to a child that exited fails at flush or close, not before.
     */
    private DropInProcess wrap(SpawnedProcess child, boolean stdinPiped, boolean stdoutPiped) {
        boolean stderrPiped = !redirectErrorStream && redirectError() == Redirect.PIPE;
        OutputStream stdin = !stdinPiped ? NullStreams.OUTPUT
                // the PROCESS_BUILDER backend's stream is the JDK's own, buffered already
                : child.backend() == Backend.PROCESS_BUILDER ? child.getOutputStream()
                : new BufferedOutputStream(child.getOutputStream(), STDIN_BUFFER);
        return new DropInProcess(child, stdin, stdoutPiped ? child.getInputStream() : NullStreams.INPUT,
                stderrPiped ? child.getErrorStream() : NullStreams.INPUT);
    }

    /**
     * Starts one child per builder, each one's standard output piped to the next one's standard
     * input, as {@link ProcessBuilder#startPipeline(List)}: the first builder's input and the last
     * one's output are theirs, every other input and output must be {@link Redirect#PIPE}. The
     * joined streams of the returned processes are null streams. If a child cannot be started,
     * those already started are killed and waited for, and the exception is thrown.
     *
     * <p>On a native backend each joint is one kernel pipe from a stage to the next, as
     * ProcessBuilder and a shell make it ({@link Stdio#stdoutOf}). Where a stage runs on the
     * PROCESS_BUILDER fallback, which has no fds to hand over, its joints are a daemon thread that
     * copies one pipe into the next, alive until the upstream stage's output ends or the
     * downstream stage stops reading; SIGPIPE and end of file reach the stages as with a direct
     * pipe.
     *
     * @return the children, in the builders' order (a new, modifiable list)
     * @throws IllegalArgumentException if a redirect other than the first input and the last
     *     output is not {@link Redirect#PIPE} (checked for all builders before any child starts)
     * @throws IOException if a child cannot be started
     */
    public static List<Process> startPipeline(List<SpawnProcessBuilder> builders) throws IOException {
        int count = builders.size();
        for (int index = 0; index < count; index++) {
            SpawnProcessBuilder builder = builders.get(index);
            if (index > 0 && builder.redirectInput() != Redirect.PIPE) {
                throw new IllegalArgumentException("builder redirectInput() must be PIPE except for the first builder: "
                        + builder.redirectInput());
            }
            if (index < count - 1 && builder.redirectOutput() != Redirect.PIPE) {
                throw new IllegalArgumentException("builder redirectOutput() must be PIPE except for the last builder: "
                        + builder.redirectOutput());
            }
        }
        List<Process> processes = new ArrayList<>(count);
        List<SpawnedProcess> started = new ArrayList<>(count);
        try {
            for (int index = 0; index < count; index++) {
                SpawnProcessBuilder builder = builders.get(index);
                Redirect out = index < count - 1 ? Redirect.PIPE : builder.redirectOutput();
                SpawnedProcess child = index == 0 ? builder.spawn(builder.redirectInput(), out, null)
                        : builder.spawnDownstream(started.get(index - 1), out);
                started.add(child);
                processes.add(builder.wrap(child, index == 0 && builder.redirectInput() == Redirect.PIPE,
                        index == count - 1 && builder.redirectOutput() == Redirect.PIPE));
            }
        } catch (IOException | RuntimeException e) {
            killAll(started, processes);
            throw e;
        }
        return processes;
    }

    /** Kills and reaps the stages started so far, as ProcessBuilder does; pumps end with them. */
    private static void killAll(List<SpawnedProcess> started, List<Process> wrapped) {
        for (int i = 0; i < started.size(); i++) {
            if (i < wrapped.size()) {
                wrapped.get(i).destroyForcibly();
            } else {
                started.get(i).destroyForcibly();
            }
        }
        boolean interrupted = false;
        for (SpawnedProcess child : started) {
            while (true) {
                try {
                    child.waitFor();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A pipeline stage after the first: its stdin is {@code upstream}'s stdout pipe itself when
     * both run on a native backend, else (the PROCESS_BUILDER backend has no fds to hand over) a
     * pipe fed by a copying thread.
     */
    private SpawnedProcess spawnDownstream(SpawnedProcess upstream, Redirect out) throws IOException {
        if (upstream.backend() != Backend.PROCESS_BUILDER) {
            try {
                return spawn(Redirect.PIPE, out, Stdio.stdoutOf(upstream));
            } catch (UnsupportedOperationException processBuilderStage) {
                // this stage's template is on PROCESS_BUILDER; the upstream's pipe is untouched
            }
        }
        SpawnedProcess child = spawn(Redirect.PIPE, out, null);
        PipePump.start(upstream.getInputStream(), child.getOutputStream());
        return child;
    }

    /**
     * One start with this builder's settings and the given stdin/stdout (a pipeline overrides
     * them); {@code stdin}, when not null, replaces {@code in} in the request.
     */
    private SpawnedProcess spawn(Redirect in, Redirect out, Stdio stdin) throws IOException {
        String[] cmdarray = command.toArray(new String[command.size()]);
        cmdarray = cmdarray.clone();
        for (String arg : cmdarray) {
            if (arg == null) {
                throw new NullPointerException();
            }
        }
        String program = cmdarray[0];
        String dir = directory == null ? null : directory.toString();
        for (String arg : cmdarray) {
            if (arg.indexOf('\u0000') >= 0) {
                throw new IOException("invalid null character in command");
            }
        }
        return new Launch(cmdarray, dir, in, out, redirectError(), stdin).run();
    }

    /** The state of one start: request, resolution, and the JDK-shaped errors. */
    private final class Launch {
        private final String[] argv;
        private final String program;
        private final String dir;
        private final Redirect in;
        private final Redirect out;
        private final Redirect err;
        private final Stdio stdin;

        Launch(String[] argv, String dir, Redirect in, Redirect out, Redirect err, Stdio stdin) {
            this.argv = argv;
            this.program = argv[0];
            this.dir = dir;
            this.in = in;
            this.out = out;
            this.err = err;
            this.stdin = stdin;
        }

        SpawnedProcess run() throws IOException {
            SpawnRequest request;
            try {
                request = request(argv);
            } catch (InvalidPathException e) {
                // a NUL in a redirect file's path: the JDK fails where it opens the files, in
                // its order, having created the output files before it (a NUL in the directory
                // is refused before anything is opened: see MIGRATING.md)
                if (dir == null || dir.indexOf('\0') < 0) {
                    openRedirects(null);
                }
                throw StartFailures.cannotRun(program, dir, e);
            } catch (IllegalArgumentException e) {
                throw StartFailures.cannotRun(program, dir, e);
            }
            if (redirectErrorStream && isFile(err)) {
                // ProcessBuilder opens (creates, truncates) stderr's file even when it is unused
                openUnusedStderr();
            }
            CommandResolver resolver = environment == null ? Holder.RESOLVER_INHERITED : Holder.RESOLVER_REPLACED;
            CommandResolver.Resolution found = resolver.resolve(program, directory);
            // as the JDK's child: EACCES from any candidate is the answer if nothing else runs,
            // else the errno of the exec in the last PATH entry
            boolean denied = false;
            Throwable deniedBy = null;
            int lastErrno = 0;
            Throwable lastCause = null;
            // a candidate's child opened the redirect files: the JDK opens them once, so they
            // are not opened again to report the failure, nor at all when a second open could
            // hang (a FIFO whose peer the first open took)
            boolean redirectsOpened = false;
            while (true) {
                denied |= found.denied();
                if (!found.found()) {
                    int errno = denied ? Errno.EACCES : lastErrno != 0 ? lastErrno : found.errno();
                    Throwable cause = errno == Errno.EACCES ? deniedBy : lastErrno != 0 ? lastCause : null;
                    throw execFailure(errno, cause, redirectsOpened);
                }
                int errno;
                Throwable library;
                try {
                    return spawn(found.absolute(), request);
                } catch (CandidateFailed e) {
                    redirectsOpened |= e.redirectsOpened;
                    if (!found.searched() || !searchGoesOn(e.errno) || redirectsOpened && !redirectsReopenSafely()) {
                        throw execFailure(e.errno, e.getCause(), redirectsOpened);
                    }
                    errno = e.errno;
                    library = e.getCause();
                } catch (SpawnException e) {
                    if (e.stage() == SpawnException.Stage.EXEC && e.errno() == Errno.ENOEXEC) {
                        return viaShell(found.execName(), request);
                    }
                    boolean resumes = found.searched() && e.stage() == SpawnException.Stage.EXEC
                            && searchGoesOn(e.errno());
                    if (!resumes || !redirectsReopenSafely()) {
                        throw translate(e);
                    }
                    redirectsOpened = true;
                    errno = e.errno();
                    library = e;
                }
                if (errno == Errno.EACCES) {
                    denied = true;
                    deniedBy = library;
                }
                // the JDK reports the last entry's exec; past a candidate in it, nothing else runs
                lastErrno = resolver.isLastEntry(found.pathIndex()) ? errno : 0;
                lastCause = library;
                found = resolver.resolve(program, directory, found.pathIndex() + 1);
            }
        }

        /**
         * Whether every redirect file may be opened once more: none is a FIFO or a device, but
         * for {@code /dev/null} ({@code Redirect.DISCARD}), which nothing pairs with.
         */
        private boolean redirectsReopenSafely() {
            return reopensSafely(in) && reopensSafely(out) && reopensSafely(err);
        }

        private boolean reopensSafely(Redirect redirect) {
            return openedTwiceSafely(redirect) == redirect || redirect.file().getPath().equals("/dev/null");
        }

        /**
         * The exec failures after which the JDK's child ({@code JDK_execvpe}) and glibc's
         * {@code execvp} try the next PATH entry: a program whose {@code #!} interpreter is
         * missing or not executable, a file on a noexec mount, one that vanished, is still run.
         */
        private boolean searchGoesOn(int errno) {
            return errno == Errno.ENOENT || errno == Errno.EACCES || errno == Errno.ENOTDIR
                    || errno == Errno.ESTALE || errno == Errno.ENODEV || errno == Errno.ETIMEDOUT
                    // the JDK's own search goes on after ELOOP; glibc's execvp, which it uses for
                    // an inherited environment, does not
                    || errno == Errno.ELOOP && environment != null;
        }

        /** What execvp does with a file the kernel cannot exec: {@code /bin/sh file args...}. */
        private SpawnedProcess viaShell(String file, SpawnRequest request) throws IOException {
            List<String> args = new ArrayList<>(argv.length + 1);
            args.add(SHELL);
            args.add(file);
            args.addAll(Arrays.asList(argv).subList(1, argv.length));
            try {
                return spawn(SHELL, request.toBuilder().args(args).build());
            } catch (CandidateFailed e) {
                throw execFailure(e.errno, e.getCause(), e.redirectsOpened);
            } catch (SpawnException e) {
                throw translate(e);
            }
        }

        /**
         * Spawns from the cached template for {@code executable}; a template that cannot be made
         * or re-made is an exec failure ({@link CandidateFailed}), and leaves the cache.
         */
        private SpawnedProcess spawn(String executable, SpawnRequest request) throws IOException {
            TemplateCache.Lease<SpawnTemplate> lease;
            try {
                lease = Holder.CACHE.acquire(executable);
            } catch (NoSuchFileException e) {
                throw new CandidateFailed(Errno.ENOENT, e, false);
            } catch (AccessDeniedException e) {
                throw new CandidateFailed(Errno.EACCES, e, false);
            } catch (SpawnException e) {
                throw new CandidateFailed(e.errno(), e, false);
            }
            try {
                return lease.value().spawn(request);
            } catch (NoSuchFileException e) {
                // a stale template whose re-create failed: the spawn had opened the redirect files
                Holder.CACHE.invalidate(lease);
                throw new CandidateFailed(Errno.ENOENT, e, true);
            } catch (AccessDeniedException e) {
                Holder.CACHE.invalidate(lease);
                throw new CandidateFailed(Errno.EACCES, e, true);
            } catch (SpawnException e) {
                if (e.stage() == SpawnException.Stage.CREATE) {
                    // a re-create after ESTALE failed: the cached template is dead
                    Holder.CACHE.invalidate(lease);
                }
                throw e;
            } finally {
                lease.close();
            }
        }

        private SpawnRequest request(String[] args) {
            SpawnRequest.Builder builder = SpawnRequest.builder(args);
            if (environment != null) {
                Map<String, String> env = new LinkedHashMap<>(environment.size() * 2);
                for (Map.Entry<String, String> entry : environment.entrySet()) {
                    if (!entry.getKey().isEmpty()) {
                        env.put(entry.getKey(), entry.getValue());
                    }
                }
                builder.environment(env);
            }
            if (directory != null) {
                builder.directory(directory.toPath());
            }
            builder.stdin(stdin != null ? stdin : input(in));
            builder.stdout(output(out));
            builder.stderr(redirectErrorStream ? Stdio.toStdout() : output(err));
            return builder.build();
        }

        /** A failure the library reported, as the JDK would have reported it. */
        private IOException translate(SpawnException e) throws IOException {
            for (Throwable suppressed : e.getSuppressed()) {
                // the PROCESS_BUILDER backend keeps the JDK's own exception
                if (suppressed instanceof IOException && !(suppressed instanceof SpawnException)
                        && suppressed.getCause() instanceof Exception
                        && String.valueOf(suppressed.getMessage()).startsWith("Cannot run program")) {
                    IOException failure = StartFailures.cannotRun(program, dir, (Exception) suppressed.getCause());
                    failure.addSuppressed(e);
                    return failure;
                }
            }
            // the child's setup opened the redirect files first, in the JDK's order: one that
            // failed is reported as the JDK's open reports it, and none is opened again to find
            // out (a FIFO's writer would be gone, and the open would never return)
            Redirect failed = failedRedirect(e);
            if (failed != null) {
                IOException failure = StartFailures.cannotRun(program, dir,
                        new FileNotFoundException(failed.file().getPath() + " (" + Errno.description(e.errno()) + ")"));
                failure.addSuppressed(e);
                return failure;
            }
            return afterRedirects(e.errno(), e);
        }

        /** The redirect whose file the child's setup could not open, or null when something else failed. */
        private Redirect failedRedirect(SpawnException e) {
            if (e.redirectTarget() < 0) {
                return null;
            }
            Redirect redirect = new Redirect[] {in, out, err}[e.redirectTarget()];
            return isFile(redirect) ? redirect : null;
        }

        /**
         * A failed exec, after the checks the JDK makes before it: the redirect files (opened in
         * the caller), then the working directory (the child's chdir).
         */
        private IOException execFailure(int errno, Throwable library) throws IOException {
            openRedirects(library);
            return afterRedirects(errno, library);
        }

        /**
         * {@link #execFailure(int, Throwable)}, or, where a candidate's child already opened the
         * redirect files, the same without opening them again.
         */
        private IOException execFailure(int errno, Throwable library, boolean redirectsOpened) throws IOException {
            return redirectsOpened ? afterRedirects(errno, library) : execFailure(errno, library);
        }

        /** A failed exec once the redirect files are known to open: the working directory, then the exec. */
        private IOException afterRedirects(int errno, Throwable library) {
            int chdir = directory == null ? 0 : chdirErrno();
            return StartFailures.exec(program, dir, chdir != 0 ? chdir : errno, library);
        }

        /**
         * Opens the stderr file the child will not get, after stdin's and stdout's as the JDK
         * orders them, so that their failure is the one reported and leaves stderr's file as it
         * was. Those two are opened again for the child, which is harmless for a regular file or
         * a directory (it fails again); a FIFO or a device is left to that one open, as a second
         * would pair with its peer and close on it.
         */
        private void openUnusedStderr() throws IOException {
            try {
                StartFailures.openRedirects(openedTwiceSafely(in), openedTwiceSafely(out), err);
            } catch (IOException | IllegalArgumentException e) {
                throw StartFailures.cannotRun(program, dir, e);
            }
        }

        /**
         * What the JDK's child's {@code chdir(directory)} fails with, 0 if it would not. A
         * directory the caller cannot reach or search is EACCES, which {@link File#exists()}
         * cannot tell from a missing one.
         */
        private int chdirErrno() {
            if (dir.isEmpty()) {
                // chdir("") is ENOENT, where NIO reads "" as the current directory
                return Errno.ENOENT;
            }
            Path path = directory.toPath();
            try {
                if (!Files.readAttributes(path, BasicFileAttributes.class).isDirectory()) {
                    return Errno.ENOTDIR;
                }
                return Files.isExecutable(path) ? 0 : Errno.EACCES;
            } catch (AccessDeniedException e) {
                return Errno.EACCES;
            } catch (IOException e) {
                return PathLookup.lookupErrno(path, dir, e);
            }
        }

        private void openRedirects(Throwable library) throws IOException {
            try {
                StartFailures.openRedirects(in, out, err);
            } catch (IOException | IllegalArgumentException e) {
                IOException failure = StartFailures.cannotRun(program, dir, e);
                if (library != null) {
                    failure.addSuppressed(library);
                }
                throw failure;
            }
        }
    }

    /**
     * One candidate executable could not be spawned from: a template that could not be made or
     * re-made. Launch decides whether the PATH search goes on before the JDK's shape is given.
     */
    private static final class CandidateFailed extends IOException {
        private static final long serialVersionUID = 1L;
        private final int errno;
        private final boolean redirectsOpened;

        CandidateFailed(int errno, Throwable cause, boolean redirectsOpened) {
            super(cause);
            this.errno = errno;
            this.redirectsOpened = redirectsOpened;
        }
    }

    private static boolean isFile(Redirect redirect) {
        return redirect.file() != null;
    }

    /** {@code redirect}, or PIPE (nothing to open) when its file exists and is neither a regular file nor a directory. */
    private static Redirect openedTwiceSafely(Redirect redirect) {
        File file = redirect.file();
        return file == null || !file.exists() || file.isFile() || file.isDirectory() ? redirect : Redirect.PIPE;
    }

    private static Stdio input(Redirect redirect) {
        switch (redirect.type()) {
            case PIPE:
                return Stdio.pipe();
            case INHERIT:
                return Stdio.inherit();
            case READ:
                return Stdio.readFrom(redirect.file().toPath());
            default:
                throw new IllegalArgumentException("Redirect invalid for reading: " + redirect);
        }
    }

    private static Stdio output(Redirect redirect) {
        switch (redirect.type()) {
            case PIPE:
                return Stdio.pipe();
            case INHERIT:
                return Stdio.inherit();
            case WRITE:
                return redirect.equals(Redirect.DISCARD) ? Stdio.discard() : Stdio.writeTo(redirect.file().toPath());
            case APPEND:
                return Stdio.appendTo(redirect.file().toPath());
            default:
                throw new IllegalArgumentException("Redirect invalid for writing: " + redirect);
        }
    }

    @Override
    public String toString() {
        return "SpawnProcessBuilder" + command + (directory == null ? "" : " in " + directory);
    }

    /** The JVM-wide resolver and template cache, made on first start. */
    private static final class Holder {
        static final CommandResolver RESOLVER_INHERITED = CommandResolver.ofCallerPath(false);
        static final CommandResolver RESOLVER_REPLACED = CommandResolver.ofCallerPath(true);
        static final TemplateCache<SpawnTemplate> CACHE = createCache();

        private static TemplateCache<SpawnTemplate> createCache() {
            int size = nonNegativeProperty("spawn.templateCache.size", 64);
            int idleSeconds = nonNegativeProperty("spawn.templateCache.idleSeconds", 60);
            TemplateCache<SpawnTemplate> cache = new TemplateCache<>(size, Duration.ofSeconds(idleSeconds),
                    path -> Spawner.system().template(Path.of(path)));
            try {
                // no inheritable thread locals or context class loader of the first caller to pin
                Thread close = new Thread(null, cache::close, "spawn-template-cache-close", 0, false);
                close.setContextClassLoader(null);
                Runtime.getRuntime().addShutdownHook(close);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is exiting: its exit closes the templates' fds
            }
            return cache;
        }

        private static int nonNegativeProperty(String name, int fallback) {
            String property = System.getProperty(name);
            if (property == null || property.isBlank()) {
                return fallback;
            }
            try {
                int value = Integer.parseInt(property.trim());
                if (value >= 0) {
                    return value;
                }
            } catch (NumberFormatException e) {
                // warned below
            }
            LOG.warn("{}={} is not a count; using {}", name, property, fallback);
            return fallback;
        }
    }
}
