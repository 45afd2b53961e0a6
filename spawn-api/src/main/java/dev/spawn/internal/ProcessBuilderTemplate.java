package dev.spawn.internal;

import dev.spawn.Backend;
import dev.spawn.SpawnException;
import dev.spawn.SpawnRequest;
import dev.spawn.SpawnedProcess;
import dev.spawn.Stdio;
import dev.spawn.spi.BackendTemplate;
import dev.spawn.spi.Errno;
import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A "template" that is only the executable's path: every spawn is a {@link ProcessBuilder#start()}.
 * ProcessBuilder cannot set argv[0] apart from the program, so the child's argv[0] is the path.
 */
final class ProcessBuilderTemplate implements BackendTemplate {
    /** What execve gives and a pipe2 or fork in the JDK's parent does not (EMFILE, EAGAIN, ENOMEM). */
    private static final Set<Integer> EXEC_ERRNOS = Set.of(Errno.ENOENT, Errno.EACCES, Errno.ENOEXEC, Errno.E2BIG,
            Errno.ETXTBSY, Errno.ENOTDIR, Errno.ELOOP, Errno.ENAMETOOLONG, Errno.EISDIR, Errno.ESTALE, Errno.ENODEV,
            Errno.ETIMEDOUT);
    /** JDK 17 says "error=2, ...", JDK 25 "Exec failed, error: 2 (...)". */
    private static final Pattern ERROR_CODE = Pattern.compile("error[=:] ?(\\d+)");
    /** FileInputStream's and FileOutputStream's "path (description)". */
    private static final Pattern REDIRECT_FAILURE = Pattern.compile("(.*) \\(([^()]*)\\)");
    private static final File DEV_NULL = new File("/dev/null");

    private final Path executable;
    private volatile boolean closed;

    ProcessBuilderTemplate(Path executable) {
        this.executable = executable;
    }

    @Override
    public Backend kind() {
        return Backend.PROCESS_BUILDER;
    }

    @Override
    public SpawnedProcess spawn(SpawnRequest request) throws IOException {
        if (closed) {
            throw new IllegalStateException("template for " + executable + " is closed");
        }
        if (!request.actions().isEmpty()) {
            throw new UnsupportedOperationException("the PROCESS_BUILDER backend cannot run action "
                    + request.actions().get(0) + " (" + request.actions().size() + " actions requested)");
        }
        if (request.inheritFds()) {
            throw new UnsupportedOperationException(
                    "the PROCESS_BUILDER backend cannot inherit fds above 2 (inheritFds)");
        }
        if (!request.childOptions().isEmpty()) {
            // SpawnTemplate routes such a request elsewhere; refusing here too means no path
            // can ever start the child without the option
            throw new UnsupportedOperationException("the PROCESS_BUILDER backend cannot apply "
                    + request.childOptions().iterator().next().call());
        }
        List<String> command = new ArrayList<>(request.args());
        command.set(0, executable.toString());
        ProcessBuilder builder = new ProcessBuilder(command);
        if (request.environment() != null) {
            Map<String, String> env = builder.environment();
            env.clear();
            env.putAll(request.environment());
        }
        if (request.directory() != null) {
            builder.directory(request.directory().toFile());
        }
        builder.redirectInput(input(request.stdin()));
        builder.redirectOutput(output(request.stdout()));
        if (request.stderr().kind() == Stdio.Kind.STDOUT) {
            builder.redirectErrorStream(true);
        } else {
            builder.redirectError(output(request.stderr()));
        }
        try {
            return new JdkSpawnedProcess(builder.start());
        } catch (IOException e) {
            throw translate(e, request);
        }
    }

    private static Redirect input(Stdio stdio) {
        switch (stdio.kind()) {
            case PIPE:
                return Redirect.PIPE;
            case INHERIT:
                return Redirect.INHERIT;
            case DISCARD:
                return Redirect.from(DEV_NULL);
            case READ_FILE:
                return Redirect.from(stdio.file().toFile());
            case UPSTREAM:
                throw new UnsupportedOperationException("the PROCESS_BUILDER backend cannot give a child another"
                        + " child's stdout pipe (" + stdio + "): it has no fds to hand over; copy the stream instead");
            default:
                throw new IllegalArgumentException("stdin cannot be " + stdio);
        }
    }

    private static Redirect output(Stdio stdio) {
        switch (stdio.kind()) {
            case PIPE:
                return Redirect.PIPE;
            case INHERIT:
                return Redirect.INHERIT;
            case DISCARD:
                return Redirect.DISCARD;
            case WRITE_FILE:
                return Redirect.to(stdio.file().toFile());
            case APPEND_FILE:
                return Redirect.appendTo(stdio.file().toFile());
            default:
                throw new IllegalArgumentException("an output cannot be " + stdio);
        }
    }

    /**
     * ProcessBuilder names the errno only in its message; keep it, and the original as suppressed.
     * A redirect file it could not open comes as a {@link FileNotFoundException} cause,
     * {@code "path (description)"}: its errno and path are that file's. A failed exec or chdir
     * says {@code error=N}; it is about the working directory when that is not a directory, else
     * about the exec in the JDK's child when N is one that execve gives
     * ({@link SpawnException.Stage#EXEC}, as a native backend reports it, so that the drop-in's
     * PATH search goes on after it here too), else about the JDK's pipes or fork.
     */
    private SpawnException translate(IOException e, SpawnRequest request) {
        String directory = request.directory() == null ? null : request.directory().toString();
        Matcher redirect = REDIRECT_FAILURE.matcher(e.getCause() instanceof FileNotFoundException
                ? String.valueOf(e.getCause().getMessage()) : "");
        int errno = redirect.matches() ? Errno.fromDescription(redirect.group(2)) : -1;
        String step;
        String subject;
        int target = -1;
        SpawnException.Stage stage = SpawnException.Stage.BEFORE_CHILD;
        if (errno > 0) {
            subject = redirect.group(1);
            step = "open redirect file \"" + subject + "\"";
            target = redirectTarget(request, subject);
        } else {
            Matcher matcher = ERROR_CODE.matcher(String.valueOf(e.getMessage()));
            errno = matcher.find() ? Integer.parseInt(matcher.group(1)) : Errno.EIO;
            // a directory that is not one, or that may not be entered (chdir EACCES)
            boolean directoryFailed = directory != null && (!Files.isDirectory(request.directory())
                    || !Files.isExecutable(request.directory()));
            subject = directoryFailed ? directory : executable.toString();
            step = directoryFailed ? "chdir \"" + directory + "\"" : "ProcessBuilder.start";
            stage = directoryFailed || !EXEC_ERRNOS.contains(errno) ? stage : SpawnException.Stage.EXEC;
        }
        SpawnException translated = new SpawnException(stage, errno,
                executable.toString(), directory, step, -1, null, subject, target);
        translated.addSuppressed(e);
        return translated;
    }

    /** The first standard stream, in the JDK's order of opening, redirected to {@code path}, or -1. */
    private static int redirectTarget(SpawnRequest request, String path) {
        Stdio[] streams = {request.stdin(), request.stdout(), request.stderr()};
        for (int target = 0; target < streams.length; target++) {
            Path file = streams[target].file();
            if (file != null && file.toFile().getPath().equals(path)) {
                return target;
            }
        }
        return -1;
    }

    @Override
    public void close() {
        closed = true;
    }
}
