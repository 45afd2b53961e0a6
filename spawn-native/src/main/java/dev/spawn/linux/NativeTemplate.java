package dev.spawn.linux;

import dev.spawn.Backend;
import dev.spawn.ChildOption;
import dev.spawn.SpawnRequest;
import dev.spawn.SpawnedProcess;
import dev.spawn.ToolCall;
import dev.spawn.ToolResult;
import dev.spawn.spi.BackendTemplate;
import dev.spawn.spi.ChildOptionSupport;
import dev.spawn.spi.SharedFd;
import dev.spawn.spi.ToolCallSupport;
import java.io.IOException;
import java.lang.ref.Cleaner;
import java.util.concurrent.CompletableFuture;

/**
 * What the two native templates share: the held fd, and turning one shim call into a watched
 * {@link PidfdProcess} or a {@link ToolRun} on the event loop. Subclasses make the call.
 */
abstract class NativeTemplate implements BackendTemplate, ChildOptionSupport, ToolCallSupport {
    protected final String program;
    private final SharedFd fd;
    private final Backend kind;
    /** A template dropped without close() gives its fd back; it cannot be in a spawn by then. */
    private final Cleaner.Cleanable cleanable;

    NativeTemplate(Backend kind, String program, int fd) {
        this.kind = kind;
        this.program = program;
        this.fd = new SharedFd(fd, LibSpawn.CLOSE);
        this.cleanable = Cleaners.CLEANER.register(this, this.fd::close);
    }

    @Override
    public final Backend kind() {
        return kind;
    }

    @Override
    public final SpawnedProcess spawn(SpawnRequest request) throws IOException {
        // the loop first: once a child exists, nothing may fail before someone will reap it
        Reaper reaper = Reaper.get();
        try (ChildSetup setup = ChildSetup.prepare(program, request, false, fchdirTakesPathFd())) {
            int[] out = start(request, setup);
            PidfdProcess process = new PidfdProcess(reaper, out[0], out[1], kind, setup.stdin(), setup.stdout(),
                    setup.stderr());
            reaper.watchSoon(process);
            return process;
        }
    }

    @Override
    public final CompletableFuture<ToolResult> startToolCall(SpawnRequest request, ToolCall call) throws IOException {
        return startToolCall(request, call, false);
    }

    @Override
    public final CompletableFuture<ToolResult> startToolCall(SpawnRequest request, ToolCall call,
            boolean callerWaits) throws IOException {
        long started = System.nanoTime();
        // the loop and the exit hook first: once a child exists, nothing may fail before someone will reap it
        Reaper reaper = Reaper.get();
        if (ExitKill.covers(call)) {
            ExitKill.hookOnce();
        }
        try (ChildSetup setup = ChildSetup.prepare(program, request, true, fchdirTakesPathFd())) {
            int[] out = start(request, setup);
            return ToolRun.start(reaper, call, kind, out[0], out[1], setup.takeFd(0), setup.takeFd(1),
                    setup.takeFd(2), started, callerWaits);
        }
    }

    /** The native call, on a parent thread when the child gets a parent-death signal; returns {pid, pidfd, ...}. */
    private int[] start(SpawnRequest request, ChildSetup setup) throws IOException {
        for (ChildOption option : request.childOptions()) {
            if (!supportedChildOptions().contains(option)) {
                throw new UnsupportedOperationException("the " + kind + " backend cannot apply " + option);
            }
        }
        EncodedCommand command = EncodedCommand.of(request);
        int held = fd.acquire();
        try {
            int[] out = {-1, -1, -1, 0};
            int result = request.parentDeathSignal() != 0
                    ? ParentThreads.call(() -> call(held, command, setup, out))
                    : call(held, command, setup, out);
            if (result < 0) {
                throw out[3] != 0 ? setup.childFailure(out[2], out[3], execStep())
                        : setup.callFailure(-result, callName());
            }
            setup.afterSpawn();
            return out;
        } finally {
            fd.release();
        }
    }

    /** One native spawn call; fills {@code out} as spawn.h says and returns >= 0 or -errno. */
    abstract int call(int held, EncodedCommand command, ChildSetup setup, int[] out);

    /** The shim call named in errors before a child exists. */
    abstract String callName();

    /** The exec step named in errors from the child. */
    abstract String execStep();

    /**
     * Whether the child's FCHDIR accepts an O_PATH fd, so that a working directory the caller may
     * search but not read works, as with ProcessBuilder's chdir.
     */
    abstract boolean fchdirTakesPathFd();

    @Override
    public final void close() {
        cleanable.clean();
    }

    @Override
    public String toString() {
        return kind + " template for " + program;
    }
}
