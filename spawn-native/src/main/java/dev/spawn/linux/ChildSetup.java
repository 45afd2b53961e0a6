package dev.spawn.linux;

import dev.spawn.SpawnAction;
import dev.spawn.SpawnException;
import dev.spawn.SpawnRequest;
import dev.spawn.SpawnedProcess;
import dev.spawn.Stdio;
import dev.spawn.spi.Errno;
import dev.spawn.spi.NullStreams;
import dev.spawn.spi.StaleTemplateException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * One spawn's child-side setup, ready for the shim: the pipes and files opened close-on-exec in
 * the caller, and the flat action list that installs them. The order in the child is: an empty
 * signal mask (unless the request sets its own), standard streams, working directory, then the
 * request's own actions; where those install fds above 2 without {@code inheritFds}, they are
 * preceded by a close-on-exec mark on every fd above 2, so only what they install survives exec.
 *
 * <p>After the spawn call, {@link #afterSpawn()} closes the child's ends in the caller; when
 * the spawn failed, {@link #close()} closes everything and gives an upstream child's pipe back
 * to its stream.
 */
final class ChildSetup implements AutoCloseable {
    private static final int O_RDONLY = 0;
    private static final int O_WRONLY = 1;
    private static final int O_RDWR = 2;
    private static final int O_CREAT = 0x40;
    private static final int O_TRUNC = 0x200;
    private static final int O_APPEND = 0x400;
    private static final int O_DIRECTORY = 0x10000;
    private static final int O_PATH = 0x200000;
    private static final String[] STREAM_NAMES = {"stdin", "stdout", "stderr"};
    private static volatile int devNull = -1;
    /** Every signal but SIGKILL (9) and SIGSTOP (19), whose dispositions cannot change, up to 63 as the kernel walks. */
    static final long ALL_RESETTABLE = ~((1L << 8) | (1L << 18) | (1L << 63));

    private final String program;
    private final SpawnRequest request;
    /** Pipes for the event loop: the caller's ends non-blocking, handed over as raw fds. */
    private final boolean loopPipes;
    /** Whether the child's FCHDIR accepts an O_PATH fd (the userspace child's does). */
    private final boolean pathFdDirectory;
    // Sized for a usual spawn (a signal mask, three streams, a few request actions): an empty
    // ArrayList grows at its first add, which put ArrayList.grow in every spawn's compiled path.
    private final List<SpawnAction> actions = new ArrayList<>(8);
    private final List<Integer> childSide = new ArrayList<>(3);
    /** Upstream children's stdout pipes given to this child (Stdio.stdoutOf), locked until the spawn's end. */
    private final List<PipeInputStream.Handover> handovers = new ArrayList<>(0);
    private final int[] parentSide = {-1, -1, -1};
    private final List<String> subjects = new ArrayList<>(8);
    /** Where the request's own actions start among the encoded ones. */
    private int firstRequestAction;
    /** Whether the actions start by marking every fd above 2 close-on-exec, in place of the child's closing them. */
    private boolean keepsInstalledFds;
    private long[] encoded;
    private byte[] strings;

    private ChildSetup(String program, SpawnRequest request, boolean loopPipes, boolean pathFdDirectory) {
        this.program = program;
        this.request = request;
        this.loopPipes = loopPipes;
        this.pathFdDirectory = pathFdDirectory;
    }

    /**
     * Opens what the request needs and encodes its actions. With {@code loopPipes} the caller's
     * pipe ends are non-blocking (for the event loop); with {@code pathFdDirectory} a working
     * directory that cannot be opened for reading is opened O_PATH for the child's FCHDIR.
     *
     * @throws SpawnException naming the file or directory that could not be opened
     * @throws IllegalArgumentException when the request and the library's own actions exceed 256
     */
    static ChildSetup prepare(String program, SpawnRequest request, boolean loopPipes, boolean pathFdDirectory)
            throws IOException {
        ChildSetup setup = new ChildSetup(program, request, loopPipes, pathFdDirectory);
        try {
            setup.build();
            return setup;
        } catch (IOException | RuntimeException e) {
            setup.close();
            throw e;
        }
    }

    private void build() throws IOException {
        if (!setsSignalMask(request.actions())) {
            add(SpawnAction.sigmaskBits(0), null);
        }
        if (request.resetSignals()) {
            add(SpawnAction.sigdefaultBits(ALL_RESETTABLE), null);
        }
        stream(0, request.stdin());
        stream(1, request.stdout());
        stream(2, request.stderr());
        if (request.directory() != null) {
            String directory = request.directory().toString();
            int fd = openDirectory(directory);
            childSide.add(fd);
            add(SpawnAction.fchdir(fd), directory);
        }
        if (!request.inheritFds() && installsAboveStderr(request.actions())) {
            // the RFC's child would close them with every other fd above 2 after the actions:
            // mark all close-on-exec instead, which the installing dup2 or open clears
            add(SpawnAction.closeRangeToMax(3, SpawnAction.CLOSE_RANGE_CLOEXEC), null);
            keepsInstalledFds = true;
        }
        firstRequestAction = actions.size();
        for (SpawnAction action : request.actions()) {
            add(action, action instanceof SpawnAction.Open ? ((SpawnAction.Open) action).path() : null);
        }
        if (actions.size() > SpawnRequest.MAX_ACTIONS) {
            throw new IllegalArgumentException(request.actions().size() + " actions plus " + (actions.size()
                    - request.actions().size()) + " for stdio, directory, signal mask and closing fds exceed "
                    + SpawnRequest.MAX_ACTIONS);
        }
        encode();
    }

    /**
     * Whether an action installs an fd above 2 that must reach the program: a {@code dup2} to
     * another number without O_CLOEXEC, or an {@code open} without it. (A {@code dup2} onto
     * itself keeps the fd's close-on-exec flag, as in the RFC.)
     */
    private static boolean installsAboveStderr(List<SpawnAction> actions) {
        for (SpawnAction action : actions) {
            if (action instanceof SpawnAction.Dup2) {
                SpawnAction.Dup2 dup2 = (SpawnAction.Dup2) action;
                if (dup2.newfd() > 2 && dup2.newfd() != dup2.fd() && !dup2.closeOnExec()) {
                    return true;
                }
            } else if (action instanceof SpawnAction.Open) {
                SpawnAction.Open open = (SpawnAction.Open) action;
                if (open.newfd() > 2 && (open.flags() & SpawnAction.O_CLOEXEC) == 0) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean setsSignalMask(List<SpawnAction> actions) {
        for (SpawnAction action : actions) {
            if (action.type() == SpawnAction.Type.SIGMASK) {
                return true;
            }
        }
        return false;
    }

    private void add(SpawnAction action, String subject) {
        actions.add(action);
        subjects.add(subject);
    }

    private void stream(int target, Stdio stdio) throws IOException {
        switch (stdio.kind()) {
            case INHERIT:
                return;
            case PIPE: {
                int[] fds = new int[2];
                boolean input = target == 0;
                int nonblock = !loopPipes ? 0 : input ? LibSpawn.PIPE_NONBLOCK_WRITE : LibSpawn.PIPE_NONBLOCK_READ;
                int result = LibSpawn.spawn_pipe2(fds, nonblock);
                if (result < 0) {
                    throw new SpawnException(SpawnException.Stage.BEFORE_CHILD, -result, program, directory(),
                            "pipe2 for " + STREAM_NAMES[target], -1, null, null);
                }
                parentSide[target] = input ? fds[1] : fds[0];
                int child = input ? fds[0] : fds[1];
                childSide.add(child);
                add(SpawnAction.dup2(child, target), null);
                return;
            }
            case DISCARD:
                add(SpawnAction.dup2(devNull(target), target), "/dev/null");
                return;
            case READ_FILE:
                redirect(target, stdio, O_RDONLY, "open stdin file");
                return;
            case WRITE_FILE:
                redirect(target, stdio, O_WRONLY | O_CREAT | O_TRUNC, "open output file");
                return;
            case APPEND_FILE:
                redirect(target, stdio, O_WRONLY | O_CREAT | O_APPEND, "open output file");
                return;
            case STDOUT:
                add(SpawnAction.dup2(1, 2), null);
                return;
            case UPSTREAM: {
                PipeInputStream.Handover handover = upstreamPipe(stdio.upstream());
                handovers.add(handover);
                add(SpawnAction.dup2(handover.fd, target), null);
                return;
            }
            default:
                throw new IllegalArgumentException("unknown stdio " + stdio);
        }
    }

    /** The read end of {@code upstream}'s stdout pipe, on its way to the child. */
    private static PipeInputStream.Handover upstreamPipe(SpawnedProcess upstream) throws IOException {
        InputStream stdout = upstream.getInputStream();
        if (!(stdout instanceof PipeInputStream)) {
            throw new IllegalArgumentException("stdin from pid " + upstream.pid() + " (" + upstream.backend()
                    + "): its stdout is not a pipe of a native backend");
        }
        return ((PipeInputStream) stdout).handOver();
    }

    private void redirect(int target, Stdio stdio, int flags, String step) throws IOException {
        String file = stdio.file().toString();
        int fd = open(file, flags, 0666, step, target);
        childSide.add(fd);
        add(SpawnAction.dup2(fd, target), file);
    }

    /**
     * The working directory for the child's FCHDIR. ProcessBuilder's child only chdir()s, which
     * needs search permission; an O_RDONLY open needs read permission too. So where that open is
     * refused (a 0711 home directory, say) and the child can fchdir to an O_PATH fd, it gets one.
     */
    private int openDirectory(String directory) throws IOException {
        byte[] path = CStrings.of(directory);
        int fd = LibSpawn.spawn_open(path, O_RDONLY | O_DIRECTORY, 0);
        if (fd == -Errno.EACCES && pathFdDirectory) {
            fd = LibSpawn.spawn_open(path, O_PATH | O_DIRECTORY, 0);
        }
        return checkedOpen(fd, directory, "open working directory", -1);
    }

    private int open(String path, int flags, int mode, String step, int target) throws IOException {
        return checkedOpen(LibSpawn.spawn_open(CStrings.of(path), flags, mode), path, step, target);
    }

    /** {@code fd}, or the failure to open {@code path}, a redirect's for {@code target} (else -1). */
    private int checkedOpen(int fd, String path, String step, int target) throws IOException {
        if (fd < 0) {
            throw new SpawnException(SpawnException.Stage.BEFORE_CHILD, -fd, program, directory(),
                    step + " \"" + path + "\"", -1, null, path, target);
        }
        return fd;
    }

    /**
     * One /dev/null for the JVM's lifetime: DISCARD costs a dup2 in the child, no open. The first
     * open's failure is that of {@code target}'s redirect, as the JDK opens the file for DISCARD.
     */
    private int devNull(int target) throws IOException {
        int fd = devNull;
        if (fd < 0) {
            synchronized (ChildSetup.class) {
                fd = devNull;
                if (fd < 0) {
                    fd = open("/dev/null", O_RDWR, 0, "open", target);
                    devNull = fd;
                }
            }
        }
        return fd;
    }

    private void encode() {
        encoded = new long[actions.size() * LibSpawn.ACTION_WORDS];
        ByteArrayOutputStream pool = new ByteArrayOutputStream();
        for (int i = 0; i < actions.size(); i++) {
            int at = i * LibSpawn.ACTION_WORDS;
            SpawnAction action = actions.get(i);
            encoded[at] = action.type().code();
            if (action instanceof SpawnAction.Close) {
                encoded[at + 2] = ((SpawnAction.Close) action).fd();
            } else if (action instanceof SpawnAction.Dup2) {
                SpawnAction.Dup2 dup2 = (SpawnAction.Dup2) action;
                encoded[at + 1] = dup2.closeOnExec() ? SpawnAction.O_CLOEXEC : 0;
                encoded[at + 2] = dup2.fd();
                encoded[at + 3] = dup2.newfd();
            } else if (action instanceof SpawnAction.Fchdir) {
                encoded[at + 2] = ((SpawnAction.Fchdir) action).fd();
            } else if (action instanceof SpawnAction.Open) {
                SpawnAction.Open open = (SpawnAction.Open) action;
                encoded[at + 2] = open.dirfd();
                encoded[at + 3] = open.newfd();
                encoded[at + 4] = pool.size();
                pool.writeBytes(CStrings.of(open.path()));
                encoded[at + 5] = open.flags() & 0xffffffffL;
                encoded[at + 6] = open.mode();
                encoded[at + 7] = open.resolve();
            } else if (action instanceof SpawnAction.CloseRange) {
                SpawnAction.CloseRange range = (SpawnAction.CloseRange) action;
                encoded[at + 1] = range.flags();
                encoded[at + 2] = range.first();
                encoded[at + 3] = range.last();
            } else if (action instanceof SpawnAction.SigMask) {
                encoded[at + 4] = ((SpawnAction.SigMask) action).mask();
            } else if (action instanceof SpawnAction.SigDefault) {
                encoded[at + 4] = ((SpawnAction.SigDefault) action).mask();
            }
        }
        strings = pool.size() == 0 ? new byte[1] : pool.toByteArray();
    }

    long[] actions() {
        return encoded;
    }

    /**
     * The shim's SPAWN_FLAG_INHERIT_FDS bit for this request: also set when the actions mark
     * every fd above 2 close-on-exec before installing some (see {@link #installsAboveStderr}).
     */
    int inheritFds() {
        return request.inheritFds() || keepsInstalledFds ? LibSpawn.FLAG_INHERIT_FDS : 0;
    }

    int actionCount() {
        return actions.size();
    }

    byte[] strings() {
        return strings;
    }

    /** The shim's child options (spawn.h, SPAWN_OPT_WORDS), or {@code null} when the request has none. */
    int[] options() {
        int bits = 0;
        int pgid = 0;
        if (request.newSession()) {
            bits |= LibSpawn.OPT_SETSID;
        }
        if (request.processGroup() >= 0) {
            bits |= LibSpawn.OPT_SETPGID;
            pgid = (int) request.processGroup();
        }
        if (request.parentDeathSignal() != 0) {
            bits |= LibSpawn.OPT_PDEATHSIG;
        }
        return bits == 0 ? null : new int[] {bits, pgid, request.parentDeathSignal(), 0};
    }

    /** The exception for a failure the shim reported from the child. */
    SpawnException childFailure(int actionIndex, int errno, String execStep) {
        if (actionIndex == LibSpawn.FAIL_SETSID || actionIndex == LibSpawn.FAIL_SETPGID
                || actionIndex == LibSpawn.FAIL_PDEATHSIG) {
            String step = actionIndex == LibSpawn.FAIL_SETSID ? "setsid()"
                    : actionIndex == LibSpawn.FAIL_SETPGID ? "setpgid(0, " + request.processGroup() + ")"
                    : "prctl(PR_SET_PDEATHSIG, " + request.parentDeathSignal() + ")";
            return new SpawnException(SpawnException.Stage.ACTION, errno, program, directory(), step, -1, null, null);
        }
        if (actionIndex == actions.size()) {
            return new SpawnException(SpawnException.Stage.ACTION, errno, program, directory(),
                    "closing fds above 2 (close_range CLOSE_RANGE_CLOEXEC)", -1, null, null);
        }
        if (actionIndex < 0 || actionIndex > actions.size()) {
            return new SpawnException(SpawnException.Stage.EXEC, errno, program, directory(), execStep, -1, null,
                    program);
        }
        SpawnAction action = actions.get(actionIndex);
        String subject = subjects.get(actionIndex);
        int requestIndex = actionIndex - firstRequestAction;
        if (requestIndex >= 0 && requestIndex < request.actions().size()) {
            return new SpawnException(SpawnException.Stage.ACTION, errno, program, directory(), null, requestIndex,
                    action, subject);
        }
        // one the library added: named by what it is, not by an index the caller never saw
        return new SpawnException(SpawnException.Stage.ACTION, errno, program, directory(),
                action + (subject == null ? "" : " \"" + subject + "\""), -1, action, subject);
    }

    /**
     * The exception for a spawn call that failed before any child existed. The call's own ESTALE
     * or EACCES is about the template (the shim's identity check, the kernel's key and
     * credential checks), so it is a {@link StaleTemplateException}; this setup's own opens fail
     * with a plain SpawnException (see {@link #open}).
     */
    SpawnException callFailure(int errno, String step) {
        String subject = errno == Errno.ENOENT || errno == Errno.EACCES ? program : null;
        if (errno == Errno.ESTALE || errno == Errno.EACCES) {
            return new StaleTemplateException(errno, program, directory(), step, subject);
        }
        return new SpawnException(SpawnException.Stage.BEFORE_CHILD, errno, program, directory(), step, -1, null,
                subject);
    }

    private String directory() {
        return request.directory() == null ? null : request.directory().toString();
    }

    /** Closes the child's ends in the caller; the caller's ends become the process streams. */
    void afterSpawn() {
        closeChildSide();
        for (PipeInputStream.Handover handover : handovers) {
            handover.commit();
        }
        handovers.clear();
    }

    private void closeChildSide() {
        for (int fd : childSide) {
            Syscalls.closeQuietly(fd);
        }
        childSide.clear();
    }

    OutputStream stdin() {
        return parentSide[0] < 0 ? NullStreams.OUTPUT : new PipeOutputStream(take(0));
    }

    InputStream stdout() {
        return parentSide[1] < 0 ? NullStreams.INPUT : new PipeInputStream(take(1));
    }

    InputStream stderr() {
        return parentSide[2] < 0 ? NullStreams.INPUT : new PipeInputStream(take(2));
    }

    /** The caller's raw end of stream {@code index} (0, 1, 2), now the caller's to close; -1 when not a pipe. */
    int takeFd(int index) {
        return take(index);
    }

    private int take(int index) {
        int fd = parentSide[index];
        parentSide[index] = -1;
        return fd;
    }

    @Override
    public void close() {
        closeChildSide();
        // no child took an upstream's pipe: it stays the upstream stream's, nothing lost
        for (PipeInputStream.Handover handover : handovers) {
            handover.abort();
        }
        handovers.clear();
        for (int i = 0; i < parentSide.length; i++) {
            Syscalls.closeQuietly(take(i));
        }
    }
}
