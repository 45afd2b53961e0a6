package dev.spawn.linux;

import dev.spawn.Backend;
import dev.spawn.Spawner;
import org.junit.jupiter.api.Tag;

/** The behaviour suite on USERSPACE inside the RFC kernel, beside {@link KernelScenariosTest}. */
@Tag("kernel")
class UserspaceScenariosInVmTest extends TemplateScenarios {
    private static final Spawner SPAWNER = Spawner.using(Backend.USERSPACE);

    @Override
    Spawner spawner() {
        return SPAWNER;
    }

    @Override
    Backend backend() {
        return Backend.USERSPACE;
    }
}
