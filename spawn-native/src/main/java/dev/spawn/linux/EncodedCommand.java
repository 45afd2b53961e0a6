package dev.spawn.linux;

import dev.spawn.SpawnRequest;
import java.util.Map;

/** argv and envp packed for the shim; the caller's environment is packed once per JVM. */
final class EncodedCommand {
    private static final EncodedCommand INHERITED_ENV = new EncodedCommand(null, 0, System.getenv());

    final byte[] argv;
    final int argc;
    final byte[] envp;
    final int envc;

    private EncodedCommand(byte[] argv, int argc, Map<String, String> environment) {
        this.argv = argv;
        this.argc = argc;
        this.envp = CStrings.packEnvironment(environment);
        this.envc = environment.size();
    }

    private EncodedCommand(byte[] argv, int argc, byte[] envp, int envc) {
        this.argv = argv;
        this.argc = argc;
        this.envp = envp;
        this.envc = envc;
    }

    static EncodedCommand of(SpawnRequest request) {
        byte[] argv = CStrings.pack(request.args());
        if (request.environment() == null) {
            return new EncodedCommand(argv, request.args().size(), INHERITED_ENV.envp, INHERITED_ENV.envc);
        }
        return new EncodedCommand(argv, request.args().size(), request.environment());
    }
}
