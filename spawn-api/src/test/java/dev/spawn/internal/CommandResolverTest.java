package dev.spawn.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spawn.spi.Errno;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandResolverTest {
    @TempDir
    Path dir;

    private Path executable(Path at) throws IOException {
        Files.createDirectories(at.getParent());
        Files.writeString(at, "#!/bin/sh\n");
        at.toFile().setExecutable(true);
        return at;
    }

    @Test
    void firstExecutableOnPathWins() throws IOException {
        executable(dir.resolve("b/tool"));
        executable(dir.resolve("c/tool"));
        CommandResolver resolver = new CommandResolver(dir.resolve("a") + ":" + dir.resolve("b") + ":" + dir.resolve("c"));
        CommandResolver.Resolution found = resolver.resolve("tool", null);
        assertEquals(dir.resolve("b/tool").toString(), found.absolute());
        assertEquals(dir.resolve("b") + "/tool", found.execName());
    }

    @Test
    void nonExecutableAndDirectoriesAreSkippedButRememberedAsEacces() throws IOException {
        Files.createDirectories(dir.resolve("a/tool"));
        Files.createDirectories(dir.resolve("b"));
        Files.writeString(dir.resolve("b/tool"), "not executable");
        CommandResolver resolver = new CommandResolver(dir.resolve("a") + ":" + dir.resolve("b"));
        assertEquals(Errno.EACCES, resolver.resolve("tool", null).errno());
        executable(dir.resolve("c/tool"));
        resolver = new CommandResolver(dir.resolve("a") + ":" + dir.resolve("b") + ":" + dir.resolve("c"));
        assertEquals(dir.resolve("c/tool").toString(), resolver.resolve("tool", null).absolute());
        assertEquals(Errno.ENOENT, resolver.resolve("other", null).errno());
    }

    @Test
    void aResumedSearchStartsAtTheEntryGivenAndSaysWhetherItPassedADeniedCandidate() throws IOException {
        executable(dir.resolve("a/tool"));
        Files.createDirectories(dir.resolve("b"));
        Files.writeString(dir.resolve("b/tool"), "not executable");
        executable(dir.resolve("c/tool"));
        CommandResolver resolver = new CommandResolver(dir.resolve("a") + ":" + dir.resolve("b") + ":" + dir.resolve("c"));
        CommandResolver.Resolution first = resolver.resolve("tool", null);
        assertEquals(dir.resolve("a/tool").toString(), first.absolute());
        assertEquals(0, first.pathIndex());
        assertFalse(first.denied());
        CommandResolver.Resolution next = resolver.resolve("tool", null, first.pathIndex() + 1);
        assertEquals(dir.resolve("c/tool").toString(), next.absolute());
        assertEquals(2, next.pathIndex());
        assertTrue(next.denied());
        CommandResolver.Resolution none = resolver.resolve("tool", null, next.pathIndex() + 1);
        assertEquals(Errno.ENOENT, none.errno());
        assertFalse(none.searched());
        assertFalse(resolver.resolve("./tool", dir.resolve("a").toFile()).searched());
    }

    @Test
    void emptyEntryIsTheChildsWorkingDirectory() throws IOException {
        executable(dir.resolve("work/tool"));
        CommandResolver resolver = new CommandResolver("/nonexistent::/also-not");
        CommandResolver.Resolution found = resolver.resolve("tool", dir.resolve("work").toFile());
        assertEquals(dir.resolve("work/tool").toString(), found.absolute());
        assertEquals("./tool", found.execName());
    }

    @Test
    void slashNamesAreRelativeToTheDirectoryAndNotSearched() throws IOException {
        CommandResolver resolver = new CommandResolver("/bin:/usr/bin");
        CommandResolver.Resolution found = resolver.resolve("./bin/x", dir.toFile());
        assertEquals(dir + "/bin/x", found.absolute());
        assertEquals("./bin/x", found.execName());
        assertEquals("/usr/bin/env", resolver.resolve("/usr/bin/env", dir.toFile()).absolute());
        assertEquals(new File("").getAbsolutePath() + "/a/b", resolver.resolve("a/./b", null).absolute());
        assertEquals(dir + "/../x", resolver.resolve("../x", dir.toFile()).absolute());
    }

    @Test
    void absoluteEntriesAreNormalisedOnceAndTheExecNameKeepsTheEntryAsGiven() throws IOException {
        executable(dir.resolve("b/tool"));
        CommandResolver resolver = new CommandResolver(dir + "/./a/:" + dir + "//b/");
        CommandResolver.Resolution found = resolver.resolve("tool", null);
        assertEquals(dir.resolve("b/tool").toString(), found.absolute());
        assertEquals(dir + "//b/tool", found.execName());
        assertEquals(Errno.EACCES, resolver.resolve(".", null).errno(), "b itself: a directory, remembered");
        assertEquals(Errno.EACCES, resolver.resolve("..", null).errno(), "b/..: a directory too");
        assertEquals(Errno.ENOENT, resolver.resolve("other", null).errno());
    }

    @Test
    void emptyNameIsEnoent() {
        CommandResolver.Resolution resolution = new CommandResolver("/bin").resolve("", null);
        assertFalse(resolution.found());
        assertEquals(Errno.ENOENT, resolution.errno());
    }

    @Test
    void unsetPathIsTheJdkDefault() {
        assertEquals("/bin/sh", new CommandResolver(null).resolve("sh", null).absolute());
    }

    @Test
    void aNameOverNameMaxIsTooLongOnlyWhereAPathDirectoryExists() throws IOException {
        String name = "x".repeat(256);
        Files.createDirectories(dir.resolve("b"));
        assertEquals(Errno.ENAMETOOLONG,
                new CommandResolver(dir.resolve("a") + ":" + dir.resolve("b")).resolve(name, null).errno(),
                "a is missing and skipped, as execve's ENOENT there is; b answers ENAMETOOLONG");
        assertEquals(Errno.ENOENT, new CommandResolver(dir.resolve("a").toString()).resolve(name, null).errno());
        assertEquals(Errno.ENOENT, new CommandResolver("/bin").resolve("x".repeat(255), null).errno(),
                "255 bytes is a name like any other");
    }

    @Test
    void theDefaultsWhenPathIsUnsetDifferInTheWorkingDirectory() throws IOException {
        executable(dir.resolve("only-here"));
        assertEquals(dir.resolve("only-here").toString(),
                new CommandResolver(CommandResolver.DEFAULT_PATH).resolve("only-here", dir.toFile()).absolute());
        assertEquals(Errno.ENOENT,
                new CommandResolver(CommandResolver.EXECVP_DEFAULT_PATH).resolve("only-here", dir.toFile()).errno());
    }
}
