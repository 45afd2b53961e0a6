package dev.spawn.linux;

import dev.spawn.Backend;
import dev.spawn.spi.BackendTemplate;
import dev.spawn.spi.Errno;
import dev.spawn.spi.SpawnBackend;
import java.io.IOException;
import java.nio.file.Path;

/**
 * USERSPACE: the template's semantics on any Linux 5.11+ (pidfds from clone, waitid on a pidfd,
 * close_range with CLOSE_RANGE_CLOEXEC), through the shim's vfork-style child.
 */
public final class UserspaceBackend implements SpawnBackend {
    private static final int[] MINIMUM_KERNEL = {5, 11};

    /** For {@link java.util.ServiceLoader}. */
    public UserspaceBackend() {
    }

    @Override
    public Backend kind() {
        return Backend.USERSPACE;
    }

    @Override
    public Throwable unavailabilityCause() {
        return Probe.CAUSE;
    }

    @Override
    public BackendTemplate create(Path executable) throws IOException {
        String program = executable.toString();
        return create(program, CStrings.of(program), -1);
    }

    @Override
    public BackendTemplate create(int executableFd) throws IOException {
        return create("fd " + executableFd, null, executableFd);
    }

    private static BackendTemplate create(String program, byte[] path, int executableFd) throws IOException {
        long[] identity = new long[LibSpawn.IDENTITY_WORDS];
        int[] kind = new int[1];
        int fd = LibSpawn.spawn_user_create(path, executableFd, identity, kind);
        if (fd < 0) {
            throw CreateErrors.of(-fd, program, "open executable");
        }
        boolean byPath = kind[0] != LibSpawn.KIND_ELF;
        if (byPath && path == null) {
            LibSpawn.spawn_close(fd);
            throw CreateErrors.of(Errno.ENOEXEC, program,
                    "a script opened by fd has no path to exec it by");
        }
        return new UserspaceTemplate(program, path, fd, identity, byPath);
    }

    private static final class Probe {
        static final Throwable CAUSE = probe();

        private static Throwable probe() {
            Throwable loadFailure = LibSpawn.loadFailure();
            if (loadFailure != null) {
                return loadFailure;
            }
            String version = System.getProperty("os.version", "");
            String[] parts = version.split("[.-]");
            try {
                int major = Integer.parseInt(parts[0]);
                int minor = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
                if (major < MINIMUM_KERNEL[0] || major == MINIMUM_KERNEL[0] && minor < MINIMUM_KERNEL[1]) {
                    return new UnsupportedOperationException("kernel " + version
                            + " is older than 5.11 (close_range CLOSE_RANGE_CLOEXEC, pidfds)");
                }
            } catch (NumberFormatException e) {
                return new UnsupportedOperationException("cannot read the kernel version from \"" + version + "\"");
            }
            int pidfd = LibSpawn.spawn_pidfd_open((int) ProcessHandle.current().pid());
            if (pidfd < 0) {
                return new UnsupportedOperationException("pidfd_open failed: "
                        + Errno.describe(-pidfd));
            }
            LibSpawn.spawn_close(pidfd);
            return null;
        }
    }
}
