package dev.spawn.linux;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When a USERSPACE template execs its path instead of its held fd ({@link UserspaceBackend#execsByPath}). */
class ExecByPathTest {
    @Test
    void elfTemplatesExecTheirPathWhereExecveatWouldNameTheChildOtherwise() {
        KernelRelease old = KernelRelease.parse("6.12.117");
        KernelRelease fixed = KernelRelease.parse("6.14.0");
        assertTrue(UserspaceBackend.execsByPath(false, "/usr/bin/env", false, old), "named after the fd number");
        assertFalse(UserspaceBackend.execsByPath(false, "/usr/bin/env", false, fixed));
        assertTrue(UserspaceBackend.execsByPath(false, "/usr/bin/sh", true, fixed), "named after the symlink's target");
        assertFalse(UserspaceBackend.execsByPath(false, null, false, old), "an fd has no path");
        assertFalse(UserspaceBackend.execsByPath(false, "/proc/self/fd/7", true, old), "a path that names an fd");
        assertFalse(UserspaceBackend.execsByPath(false, "/dev/fd/7", true, old), "a path that names an fd");
        assertTrue(UserspaceBackend.execsByPath(true, "/usr/bin/tool.sh", false, fixed), "a script always");
        assertTrue(UserspaceBackend.execsByPath(false, "/usr/bin/env", false, null), "an unknown release is taken as old");
    }

    @Test
    void pathsIntoProcAreKnownThroughLinksInAnyComponent(@TempDir Path dir) throws IOException {
        assertTrue(UserspaceBackend.resolvesIntoProc("/dev/fd/3"), "/dev/fd links to /proc/self/fd");
        assertTrue(UserspaceBackend.resolvesIntoProc("/proc/self/fd/3"));
        assertTrue(UserspaceBackend.resolvesIntoProc("/proc/self/cwd/tool"), "names what the child's FCHDIR chose");
        Path stdinLike = Files.createSymbolicLink(dir.resolve("stdin-like"), Path.of("/proc/self/fd/0"));
        assertTrue(UserspaceBackend.resolvesIntoProc(stdinLike.toString()));
        Path twoLevels = Files.createSymbolicLink(dir.resolve("two-levels"), stdinLike);
        assertTrue(UserspaceBackend.resolvesIntoProc(twoLevels.toString()), "a link to a link");
        Path fds = Files.createSymbolicLink(dir.resolve("fds"), Path.of("/proc/self/fd"));
        assertTrue(UserspaceBackend.resolvesIntoProc(fds.resolve("0").toString()), "a directory link");
        assertFalse(UserspaceBackend.resolvesIntoProc("/usr/bin/env"));
        assertFalse(UserspaceBackend.resolvesIntoProc(dir.resolve("missing").toString()), "nothing there: no /proc either");
    }
}
