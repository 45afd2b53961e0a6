package dev.spawn.bench.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fixture's git repository, made with the git the runner found. */
class FixtureTest {
    private static final Path GIT = Path.of("/usr/bin/git");

    @Test
    void makesTheRepositoryOnAGitOlderThanInitDashB(@TempDir Path dir) throws Exception {
        assertTrue(Files.isExecutable(GIT), "no git at " + GIT);
        // git before 2.28 has no init -b: this stand-in refuses it as they do
        Path oldGit = script(dir.resolve("old-git"), "#!/bin/sh\nfor arg; do\n"
                + "  if [ \"$arg\" = -b ]; then echo \"error: unknown switch \\`b'\" >&2; exit 129; fi\n"
                + "done\nexec " + GIT + " \"$@\"\n");

        Fixture fixture = Fixture.create(dir.resolve("workspace"), 1, oldGit);

        assertEquals("ref: refs/heads/main\n", Files.readString(fixture.root().resolve(".git/HEAD"),
                StandardCharsets.UTF_8));
    }

    static Path script(Path file, String text) throws Exception {
        Files.writeString(file, text, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file;
    }
}
