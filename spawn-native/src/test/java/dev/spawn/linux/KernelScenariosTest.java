package dev.spawn.linux;

import dev.spawn.Backend;
import dev.spawn.Spawner;
import org.junit.jupiter.api.Tag;

/**
 * The behaviour suite on KERNEL_TEMPLATE, through the default chain: it fails (never skips)
 * when the kernel has no spawn templates. Runs in the RFC kernel's VM (.ci/run-kernel-tests).
 */
@Tag("kernel")
class KernelScenariosTest extends TemplateScenarios {
    @Override
    Spawner spawner() {
        return Spawner.system();
    }

    @Override
    Backend backend() {
        return Backend.KERNEL_TEMPLATE;
    }

    /** The RFC's spawn execs with an empty filename, and its comm is the basename of that. */
    @Override
    String expectedChildName() {
        return "";
    }
}
