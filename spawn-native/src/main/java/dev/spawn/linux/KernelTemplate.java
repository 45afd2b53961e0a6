package dev.spawn.linux;

import dev.spawn.Backend;

/** A kernel spawn template: one {@code spawn_template_spawn} per child. */
final class KernelTemplate extends NativeTemplate {
    private final long nrSpawn;

    KernelTemplate(String program, int templateFd, long nrSpawn) {
        super(Backend.KERNEL_TEMPLATE, program, templateFd);
        this.nrSpawn = nrSpawn;
    }

    @Override
    int call(int held, EncodedCommand command, ChildSetup setup, int[] out) {
        return LibSpawn.spawn_kernel_spawn(nrSpawn, held, setup.inheritFds(), command.argv, command.argc,
                command.envp, command.envc, setup.actions(), setup.actionCount(), setup.strings(),
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
}
