/**
 * The Linux backends of {@code dev.spawn}: KERNEL_TEMPLATE (the RFC's spawn templates) and
 * USERSPACE (clone with CLONE_VM|CLONE_VFORK|CLONE_PIDFD and execveat), through the bundled C
 * shim loaded by JNA. Nothing is exported: {@link dev.spawn.Spawner} finds the backends as
 * services, and callers use the {@code dev.spawn} API alone.
 *
 * @provides dev.spawn.spi.SpawnBackend
 */
module dev.spawn.linux {
    requires dev.spawn;
    requires com.sun.jna;
    requires org.slf4j;

    provides dev.spawn.spi.SpawnBackend with dev.spawn.linux.KernelTemplateBackend, dev.spawn.linux.UserspaceBackend;
}
