package dev.spawn.linux;

import org.junit.jupiter.api.Tag;

/** The behaviour suite on USERSPACE inside the RFC kernel, beside {@link KernelScenariosTest}. */
@Tag("kernel")
class UserspaceScenariosInVmTest extends UserspaceScenariosTest {
}
