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
        boolean script = kind[0] != LibSpawn.KIND_ELF;
        if (script && path == null) {
            LibSpawn.spawn_close(fd);
            throw CreateErrors.of(Errno.ENOEXEC, program,
                    "a script opened by fd has no path to exec it by");
        }
        return new UserspaceTemplate(program, path, fd, identity, execsByPath(script, path != null, KernelRelease.RUNNING));
    }

    /**
     * Whether a template execs its path rather than its held fd. A script must: execveat cannot
     * run one from a close-on-exec fd. Before 6.14 an ELF with a path does too, as
     * execveat(fd, "", AT_EMPTY_PATH) named the child after the made-up "/dev/fd/N", so ps, top
     * and pkill saw "3" for every child; the spawn's identity check still runs first. A template
     * made from an fd has no path and keeps that name there.
     */
    static boolean execsByPath(boolean script, boolean hasPath, KernelRelease release) {
        return script || hasPath && (release == null || !release.atLeast(6, 14));
    }

    private static final class Probe {
        static final Throwable CAUSE = probe();

        private static Throwable probe() {
            Throwable loadFailure = LibSpawn.loadFailure();
            if (loadFailure != null) {
                return loadFailure;
            }
            KernelRelease release = KernelRelease.RUNNING;
            if (release == null) {
                return new UnsupportedOperationException("cannot read the kernel version from \""
                        + System.getProperty("os.version") + "\"");
            }
            if (!release.atLeast(MINIMUM_KERNEL[0], MINIMUM_KERNEL[1])) {
                return new UnsupportedOperationException("kernel " + System.getProperty("os.version")
                        + " is older than 5.11 (close_range CLOSE_RANGE_CLOEXEC, pidfds)");
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
