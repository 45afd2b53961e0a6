package dev.spawn.linux;

import dev.spawn.Backend;
import dev.spawn.ChildOption;
import java.util.EnumSet;
import java.util.Set;

/**
 * The executable held open in userspace with the identity it had at create; each spawn checks
 * that identity (ESTALE as the kernel would say) and clones a vfork child that execs it.
 */
final class UserspaceTemplate extends NativeTemplate {
    private final byte[] path;
    private final long[] identity;
    private final boolean execByPath;

    UserspaceTemplate(String program, byte[] path, int heldFd, long[] identity, boolean execByPath) {
        super(Backend.USERSPACE, program, heldFd);
        this.path = path;
        this.identity = identity;
        this.execByPath = execByPath;
    }

    private static final Set<ChildOption> OPTIONS = EnumSet.allOf(ChildOption.class);

    /** All of them: setsid, setpgid and pdeathsig run in the shim's child, the signal reset is an action. */
    @Override
    public Set<ChildOption> supportedChildOptions() {
        return OPTIONS;
    }

    @Override
    int call(int held, EncodedCommand command, ChildSetup setup, int[] out) {
        int flags = setup.inheritFds() | (execByPath ? LibSpawn.FLAG_EXEC_BY_PATH : 0);
        return LibSpawn.spawn_user_spawn_opts(held, path, identity, flags, command.argv, command.argv.length,
                command.argc, command.envp, command.envpLength, command.envc, setup.actions(), setup.actionCount(), setup.strings(),
                setup.strings().length, setup.options(), out);
    }

    @Override
    String callName() {
        return "userspace spawn";
    }

    @Override
    String execStep() {
        return execByPath ? "execve" : "execveat";
    }

    /** The shim's child calls fchdir(2), which takes an O_PATH fd. */
    @Override
    boolean fchdirTakesPathFd() {
        return true;
    }
}
