package dev.spawn.linux;

import dev.spawn.Backend;
import dev.spawn.SpawnRequest;
import dev.spawn.SpawnedProcess;
import dev.spawn.spi.BackendTemplate;
import dev.spawn.spi.SharedFd;
import java.io.IOException;

/**
 * What the two native templates share: the held fd, and turning one shim call into a watched
 * {@link PidfdProcess}. Subclasses make the call.
 */
abstract class NativeTemplate implements BackendTemplate {
    protected final String program;
    private final SharedFd fd;
    private final Backend kind;

    NativeTemplate(Backend kind, String program, int fd) {
        this.kind = kind;
        this.program = program;
        this.fd = new SharedFd(fd, LibSpawn::spawn_close);
    }

    @Override
    public final Backend kind() {
        return kind;
    }

    @Override
    public final SpawnedProcess spawn(SpawnRequest request) throws IOException {
        EncodedCommand command = EncodedCommand.of(request);
        int held = fd.acquire();
        try (ChildSetup setup = ChildSetup.prepare(program, request)) {
            int[] out = {-1, -1, -1, 0};
            int result = call(held, command, setup, out);
            if (result < 0) {
                throw out[3] != 0 ? setup.childFailure(out[2], out[3], execStep())
                        : setup.callFailure(-result, callName());
            }
            setup.afterSpawn();
            PidfdProcess process = new PidfdProcess(out[0], out[1], kind, setup.stdin(), setup.stdout(),
                    setup.stderr());
            Reaper.get().watch(process);
            return process;
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

    @Override
    public final void close() {
        fd.close();
    }

    @Override
    public String toString() {
        return kind + " template for " + program;
    }
}
