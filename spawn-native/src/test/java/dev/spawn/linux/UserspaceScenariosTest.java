package dev.spawn.linux;

import dev.spawn.Backend;
import dev.spawn.Spawner;

/** The behaviour suite on the USERSPACE backend, on any kernel. */
class UserspaceScenariosTest extends TemplateScenarios {
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
