package dev.spawn.bench.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FixtureGitTest {
    @Test
    void aGitThatHangsFailsAfterTheTimeoutWithWhatItStarted(@TempDir Path dir) throws Exception {
        Path pidFile = dir.resolve("child.pid");
        // holds its output open through a child, as a hung git with a helper would
        Path hangingGit = FixtureTest.script(dir.resolve("git"),
                "#!/bin/sh\nsleep 60 &\necho $! > " + pidFile + "\nwait\n");
        FixtureGit git = new FixtureGit(hangingGit, dir, Duration.ofSeconds(1));

        IOException e = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> assertThrows(IOException.class, () -> git.run("status")));

        assertEquals("git status did not finish in 1 s", e.getMessage());
        long child = Long.parseLong(Files.readString(pidFile).trim());
        ProcessHandle.of(child).ifPresent(handle -> handle.onExit().orTimeout(5, TimeUnit.SECONDS).join());
        assertFalse(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false), "its child was killed");
    }

    @Test
    void aFailingGitIsNamedWithItsOutput(@TempDir Path dir) throws Exception {
        Path failingGit = FixtureTest.script(dir.resolve("git"), "#!/bin/sh\necho 'fatal: no' >&2\nexit 128\n");
        IOException e = assertThrows(IOException.class,
                () -> new FixtureGit(failingGit, dir, Duration.ofSeconds(10)).run("add", "-A"));
        assertEquals("git add -A failed with exit code 128: fatal: no", e.getMessage());
    }
}
