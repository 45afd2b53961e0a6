package dev.spawn.linux;

import dev.spawn.Backend;
import dev.spawn.ChildOption;
import java.util.Set;

/** A kernel spawn template: one {@code spawn_template_spawn} per child. */
final class KernelTemplate extends NativeTemplate {
    private final long nrSpawn;

    KernelTemplate(String program, int templateFd, long nrSpawn) {
        super(Backend.KERNEL_TEMPLATE, program, templateFd);
        this.nrSpawn = nrSpawn;
    }

    /**
     * Only the signal reset, which is a sigdefault action: the RFC's spawn has no setsid, setpgid
     * or pdeathsig, so requests that need them are moved to USERSPACE by the template.
     */
    @Override
    public Set<ChildOption> supportedChildOptions() {
        return Set.of(ChildOption.RESET_SIGNALS);
    }

    @Override
    int call(int held, EncodedCommand command, ChildSetup setup, int[] out) {
        return LibSpawn.spawn_kernel_spawn(nrSpawn, held, setup.inheritFds(), command.argv, command.argv.length,
                command.argc, command.envp, command.envpLength, command.envc, setup.actions(), setup.actionCount(), setup.strings(),
                setup.strings().length, out);
    }

    @Override
    String callName() {
        return "spawn_template_spawn";
    }

    @Override
    String execStep() {
        return "spawn_template_spawn";
    }

    /** The RFC's FCHDIR action looks the fd up with fdget, which refuses an O_PATH file (EBADF). */
    @Override
    boolean fchdirTakesPathFd() {
        return false;
    }
}
