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
        assertTrue(UserspaceBackend.execsByPath(false, "/proc/self/exe", true, fixed), "a link, but to no fd");
        assertTrue(UserspaceBackend.execsByPath(false, "/usr/bin/env", false, null), "an unknown release is taken as old");
    }

    @Test
    void pathsThatNameAnFdAreKnownAlsoThroughALink(@TempDir Path dir) throws IOException {
        assertTrue(UserspaceBackend.namesAnFd("/dev/fd/3"));
        assertTrue(UserspaceBackend.namesAnFd("/proc/self/fd/3"));
        assertTrue(UserspaceBackend.namesAnFd("/proc/./self/fd/3"));
        Path link = Files.createSymbolicLink(dir.resolve("stdin-like"), Path.of("/proc/self/fd/0"));
        assertTrue(UserspaceBackend.namesAnFd(link.toString()));
        assertFalse(UserspaceBackend.namesAnFd("/proc/self/exe"));
        assertFalse(UserspaceBackend.namesAnFd("/usr/bin/env"));
    }
}
