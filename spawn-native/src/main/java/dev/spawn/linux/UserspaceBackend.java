package dev.spawn.linux;

import dev.spawn.Backend;
import dev.spawn.spi.BackendTemplate;
import dev.spawn.spi.Errno;
import dev.spawn.spi.SpawnBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * USERSPACE: the template's semantics on any Linux 5.11+ (pidfds from clone, waitid on a pidfd,
 * close_range with CLOSE_RANGE_CLOEXEC), through the shim's vfork-style child.
 */
public final class UserspaceBackend implements SpawnBackend {
    private static final int[] MINIMUM_KERNEL = {5, 11};
    /** The shim's {@code SPAWN_PROBE_CLOSE_RANGE}: which call {@code spawn_user_probe} found refused. */
    private static final int PROBE_CLOSE_RANGE = 1;
    /** The shim's {@code SPAWN_PROBE_WAIT}: the probing child could not be waited for. */
    private static final int PROBE_WAIT = 3;
    /** The shim's {@code SPAWN_PROBE_KILLED}: the probing child was killed making the call. */
    private static final int PROBE_KILLED = 0x100;

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
            throw CreateErrors.ofUserspace(-fd, kind[0], program, "open executable");
        }
        boolean script = kind[0] != LibSpawn.KIND_ELF;
        if (script && path == null) {
            LibSpawn.spawn_close(fd);
            throw CreateErrors.of(Errno.ENOEXEC, program,
                    "a script opened by fd has no path to exec it by");
        }
        boolean byPath = execsByPath(script, path == null ? null : program,
                path != null && Files.isSymbolicLink(Path.of(program)), KernelRelease.RUNNING);
        return new UserspaceTemplate(program, path, fd, identity, byPath);
    }

    /**
     * Whether a template execs its path rather than its held fd, so that the child is named as
     * ProcessBuilder's would be (ps, top and pkill match that name). A script must: execveat
     * cannot run one from a close-on-exec fd. An ELF with a path does where execveat(fd, "",
     * AT_EMPTY_PATH) would name the child otherwise: before 6.14 after the made-up "/dev/fd/N"
     * ("3"), and since then after the file the fd holds, which for a symlink ({@code sh} to
     * {@code dash}) is the target. The spawn's identity check still runs first. A path into
     * /proc ({@link #resolvesIntoProc}) and a template made from an fd keep the held fd.
     */
    static boolean execsByPath(boolean script, String path, boolean symlink, KernelRelease release) {
        if (script) {
            return true;
        }
        if (path == null || resolvesIntoProc(path)) {
            return false;
        }
        return symlink || release == null || !release.atLeast(6, 14);
    }

    /**
     * Whether {@code path} resolves, through symlinks in any component, into /proc
     * ({@code /dev/fd/N}, {@code /dev/stdin}, {@code /proc/self/cwd/tool}): what it names there
     * depends on the fds and working directory of the process that execs it, which the child's
     * actions change before its exec, so such a template keeps its held fd.
     */
    static boolean resolvesIntoProc(String path) {
        try {
            Path named = Path.of(path);
            for (int links = 0; links < 40; links++) {
                // by name first: /proc's own links (cwd, exe, fd/N) resolve out of /proc
                if (named.normalize().startsWith("/proc")) {
                    return true;
                }
                Path parent = named.getParent();
                Path real = parent == null ? named : parent.toRealPath().resolve(named.getFileName());
                if (real.startsWith("/proc")) {
                    return true;
                }
                if (!Files.isSymbolicLink(real)) {
                    return false;
                }
                named = real.resolveSibling(Files.readSymbolicLink(real));
            }
            return true;
        } catch (IOException | RuntimeException e) {
            // cannot tell: the held fd is the safe choice
            return true;
        }
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
            int[] refused = new int[1];
            int probed = LibSpawn.spawn_user_probe(refused);
            if (probed < 0 && refused[0] == PROBE_WAIT) {
                return new UnsupportedOperationException("cannot wait for a child of this process ("
                        + Errno.describe(-probed) + "): is SIGCHLD ignored?");
            }
            if (probed < 0) {
                String call = (refused[0] & ~PROBE_KILLED) == PROBE_CLOSE_RANGE
                        ? "close_range(CLOSE_RANGE_CLOEXEC)" : "openat2";
                return new UnsupportedOperationException(call + ", which a spawn's child makes, is refused here: "
                        + ((refused[0] & PROBE_KILLED) != 0 ? "a child that made it was killed"
                                : Errno.describe(-probed)) + " (a seccomp filter older than the call?)");
            }
            return null;
        }
    }
}
