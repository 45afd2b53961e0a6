package dev.spawn.linux;

import dev.spawn.Backend;
import dev.spawn.SpawnException;
import dev.spawn.spi.BackendTemplate;
import dev.spawn.spi.Errno;
import dev.spawn.spi.SpawnBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * KERNEL_TEMPLATE: the RFC's syscalls. Available only once a probe created a template whose fd
 * reads {@code anon_inode:spawn_template}: a bare success of syscall 472 proves nothing, since
 * a future kernel may give the number to another call.
 */
public final class KernelTemplateBackend implements SpawnBackend {
    static final long NR_CREATE = Long.getLong("spawn.syscall.create", 472);
    static final long NR_SPAWN = Long.getLong("spawn.syscall.spawn", 473);
    private static final int O_RDONLY = 0;
    private static final int O_NOCTTY = 0x100;
    private static final int O_NONBLOCK = 0x800;
    private static final int O_PATH = 0x200000;

    /** For {@link java.util.ServiceLoader}. */
    public KernelTemplateBackend() {
    }

    @Override
    public Backend kind() {
        return Backend.KERNEL_TEMPLATE;
    }

    @Override
    public Throwable unavailabilityCause() {
        return Probe.CAUSE;
    }

    @Override
    public BackendTemplate create(Path executable) throws IOException {
        String program = executable.toString();
        int fd = LibSpawn.spawn_kernel_create(NR_CREATE, CStrings.of(program), -1);
        if (fd < 0) {
            throw CreateErrors.of(-fd, program, "spawn_template_create");
        }
        return new KernelTemplate(program, fd, NR_SPAWN);
    }

    /**
     * {@inheritDoc}
     *
     * <p>The RFC's create looks the fd up as an open file, which an O_PATH fd is not (EBADF):
     * such an fd is reopened for reading through {@code /proc/self/fd}, as {@code fexecve} does.
     * Where that is refused (EACCES or EPERM: an execute-only file) this backend cannot take it
     * and says ENOSYS, so the template moves to USERSPACE, which runs an O_PATH fd as it is.
     */
    @Override
    public BackendTemplate create(int executableFd) throws IOException {
        String program = "fd " + executableFd;
        int fd = LibSpawn.spawn_kernel_create(NR_CREATE, null, executableFd);
        if (fd == -Errno.EBADF && isOpenWithOPath(executableFd)) {
            // non-blocking and no controlling terminal: the fd may name a FIFO or a tty, which the
            // create then refuses
            int readable = LibSpawn.spawn_open(CStrings.of("/proc/self/fd/" + executableFd),
                    O_RDONLY | O_NONBLOCK | O_NOCTTY, 0);
            if (readable == -Errno.EACCES || readable == -Errno.EPERM) {
                throw new SpawnException(SpawnException.Stage.CREATE, Errno.ENOSYS, program, null,
                        "spawn_template_create takes no O_PATH fd, and reopening it for reading is refused ("
                                + Errno.name(-readable) + ")",
                        -1, null, program);
            }
            if (readable < 0) {
                throw CreateErrors.of(-readable, program, "reopen O_PATH fd for spawn_template_create");
            }
            try {
                fd = LibSpawn.spawn_kernel_create(NR_CREATE, null, readable);
            } finally {
                LibSpawn.spawn_close(readable);
            }
        }
        if (fd < 0) {
            throw CreateErrors.of(-fd, program, "spawn_template_create");
        }
        return new KernelTemplate(program, fd, NR_SPAWN);
    }

    /** Whether {@code fd} is open in this process with O_PATH, from its {@code /proc} fdinfo. */
    static boolean isOpenWithOPath(int fd) {
        try {
            for (String line : Files.readAllLines(Paths.get("/proc/self/fdinfo/" + fd))) {
                if (line.startsWith("flags:")) {
                    return (Integer.parseInt(line.substring("flags:".length()).trim(), 8) & O_PATH) != 0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // closed, or no /proc: the EBADF stands
        }
        return false;
    }

    /** Probed once per JVM, on first use. */
    private static final class Probe {
        static final Throwable CAUSE = probe(NR_CREATE, NR_SPAWN);
    }

    /**
     * Why the kernel backend cannot serve with these syscall numbers, or {@code null} when it can:
     * {@code nrCreate} must create a template whose fd reads {@code anon_inode:spawn_template}, and
     * {@code nrSpawn} must answer EBADF to a spawn from no template (fd -1), which proves it is
     * there without starting a child. A policy that allows the create but blocks the spawn (a
     * seccomp filter) would otherwise leave every spawn failing with ENOSYS for the JVM's life.
     */
    static Throwable probe(long nrCreate, long nrSpawn) {
        Throwable loadFailure = LibSpawn.loadFailure();
        if (loadFailure != null) {
            return loadFailure;
        }
        try {
            String elf = Paths.get("/proc/self/exe").toRealPath().toString();
            int result = LibSpawn.spawn_kernel_probe(nrCreate, CStrings.of(elf));
            if (result == -Errno.ENOSYS) {
                return new UnsupportedOperationException("spawn_template_create (syscall " + nrCreate
                        + ") is not in this kernel: ENOSYS");
            }
            if (result == -Errno.EPROTO) {
                return new UnsupportedOperationException("syscall " + nrCreate
                        + " did not create an anon_inode:spawn_template fd; is it another syscall here?");
            }
            if (result != 0) {
                return new IOException("spawn_template_create probe on " + elf + " failed: "
                        + Errno.describe(-result));
            }
            byte[] none = {0};
            int spawn = LibSpawn.spawn_kernel_spawn(nrSpawn, -1, 0, none, 1, 0, none, 1, 0, null, 0, none, 1,
                    new int[4]);
            if (spawn == -Errno.EBADF) {
                return null;
            }
            if (spawn == -Errno.ENOSYS) {
                return new UnsupportedOperationException("spawn_template_spawn (syscall " + nrSpawn
                        + ") is not available: ENOSYS (not this kernel's number, or blocked by a seccomp filter)");
            }
            return new UnsupportedOperationException("syscall " + nrSpawn + " answered "
                    + (spawn < 0 ? Errno.describe(-spawn) : String.valueOf(spawn))
                    + " to a spawn from no template instead of EBADF; is it another syscall here?");
        } catch (IOException | RuntimeException e) {
            return e;
        }
    }
}
