package dev.spawn.linux;

import dev.spawn.SpawnRequest;

/**
 * argv and envp packed for the shim. A request without an environment passes none: the shim
 * hands the child this process's environment as it is at the spawn ({@code environ}, with what
 * native code changed since the JVM started), as ProcessBuilder does when its environment was
 * not touched.
 */
final class EncodedCommand {
    /** The shim's {@code SPAWN_ENV_INHERIT}. */
    static final int ENV_INHERIT = -1;

    final byte[] argv;
    final int argc;
    /** null for {@link #ENV_INHERIT} */
    final byte[] envp;
    final int envpLength;
    final int envc;

    private EncodedCommand(byte[] argv, int argc, byte[] envp, int envc) {
        this.argv = argv;
        this.argc = argc;
        this.envp = envp;
        this.envpLength = envp == null ? 0 : envp.length;
        this.envc = envc;
    }

    static EncodedCommand of(SpawnRequest request) {
        byte[] argv = CStrings.pack(request.args());
        if (request.environment() == null) {
            return new EncodedCommand(argv, request.args().size(), null, ENV_INHERIT);
        }
        return new EncodedCommand(argv, request.args().size(), CStrings.packEnvironment(request.environment()),
                request.environment().size());
    }
}
