package dev.spawn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spawn.spi.Errno;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessBuilderBackendTest {
    private final Spawner spawner = Spawner.using(Backend.PROCESS_BUILDER);

    @Test
    void runsWithExplicitEnvironmentDirectoryAndPipes(@TempDir Path dir) throws Exception {
        try (SpawnTemplate sh = spawner.template(Path.of("/bin/sh"))) {
            SpawnedProcess process = sh.spawn(SpawnRequest.builder("sh", "-c", "echo \"$GREETING\"; pwd; echo oops >&2; exit 3")
                    .environment(Map.of("GREETING", "héllo"))
                    .directory(dir)
                    .build());
            assertEquals(Backend.PROCESS_BUILDER, process.backend());
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(3, process.waitFor());
            assertEquals("héllo\n" + dir.toRealPath() + "\n", out);
            assertEquals("oops\n", err);
        }
    }

    @Test
    void mergedStderrAndFiles(@TempDir Path dir) throws Exception {
        Path in = Files.writeString(dir.resolve("in.txt"), "from file\n");
        Path out = dir.resolve("out.txt");
        try (SpawnTemplate sh = spawner.template(Path.of("/bin/sh"))) {
            SpawnedProcess process = sh.spawn(SpawnRequest.builder("sh", "-c", "cat; echo err >&2")
                    .stdin(Stdio.readFrom(in)).stdout(Stdio.appendTo(out)).stderr(Stdio.toStdout()).build());
            assertEquals(0, process.waitFor());
            assertEquals("from file\nerr\n", Files.readString(out));
        }
    }

    @Test
    void actionsAreUnsupportedAndNamed() throws IOException {
        try (SpawnTemplate sh = spawner.template(Path.of("/bin/sh"))) {
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> sh.spawn(SpawnRequest.builder("sh").action(SpawnAction.dup2(1, 5)).build()));
            assertTrue(e.getMessage().contains("dup2(1, 5)"), e.getMessage());
            assertThrows(UnsupportedOperationException.class,
                    () -> sh.spawn(SpawnRequest.builder("sh").inheritFds(true).build()));
        }
    }

    @Test
    void anotherChildsStdoutCannotBeHandedOver() throws Exception {
        try (SpawnTemplate sh = spawner.template(Path.of("/bin/sh"))) {
            SpawnedProcess upstream = sh.spawn(SpawnRequest.builder("sh", "-c", "echo up").build());
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> sh.spawn(SpawnRequest.builder("sh", "-c", "cat").stdin(Stdio.stdoutOf(upstream)).build()));
            assertTrue(e.getMessage().contains("PROCESS_BUILDER"), e.getMessage());
            assertEquals("up\n", new String(upstream.getInputStream().readAllBytes()));
            assertEquals(0, upstream.waitFor());
        }
    }

    @Test
    void createErrorsAreTyped(@TempDir Path dir) throws IOException {
        assertThrows(NoSuchFileException.class, () -> spawner.template(dir.resolve("missing")));
        assertThrows(AccessDeniedException.class, () -> spawner.template(dir));
        Path plain = Files.writeString(dir.resolve("plain"), "data");
        assertThrows(AccessDeniedException.class, () -> spawner.template(plain));
    }

    /**
     * Spawner.template promises NoSuchFileException, AccessDeniedException or SpawnException:
     * NIO's plain FileSystemException for ENOTDIR and ELOOP (whose text is in the JVM's locale)
     * is a SpawnException naming the errno, as USERSPACE says for the same paths.
     */
    @Test
    void otherFailedLookupsAreASpawnExceptionWithTheErrno(@TempDir Path dir) throws IOException {
        Path plain = Files.writeString(dir.resolve("plain"), "data");
        assertCreateErrno(Errno.ENOTDIR, plain.resolve("x"));
        assertCreateErrno(Errno.ENOTDIR, plain.resolve("x/y"));
        Path loop = Files.createSymbolicLink(dir.resolve("loop"), dir.resolve("loop"));
        assertCreateErrno(Errno.ELOOP, loop);
        assertCreateErrno(Errno.ELOOP, loop.resolve("x"));
        assertCreateErrno(Errno.ENAMETOOLONG, dir.resolve("n".repeat(256)));
        assertThrows(NoSuchFileException.class, () -> spawner.template(dir.resolve("missing/x")));
    }

    private void assertCreateErrno(int errno, Path executable) {
        SpawnException e = assertThrows(SpawnException.class, () -> spawner.template(executable),
                () -> "for " + executable);
        assertEquals(errno, e.errno(), e.getMessage());
        assertEquals(SpawnException.Stage.CREATE, e.stage());
        assertTrue(e.getMessage().contains(executable.toString()), e.getMessage());
    }

    @Test
    void aMissingWorkingDirectoryIsASpawnExceptionWithTheErrno(@TempDir Path dir) throws IOException {
        try (SpawnTemplate sh = spawner.template(Path.of("/bin/sh"))) {
            SpawnException e = assertThrows(SpawnException.class,
                    () -> sh.spawn(SpawnRequest.builder("sh").directory(dir.resolve("gone")).build()));
            assertEquals("ENOENT", e.errnoName());
            assertTrue(e.getMessage().startsWith("Cannot run program \"/bin/sh\" (in directory \""), e.getMessage());
            assertEquals(dir.resolve("gone").toString(), ((NoSuchFileException) e.getCause()).getFile(),
                    "the directory is what is missing, not the program");
            assertEquals(-1, e.redirectTarget());
        }
    }

    @Test
    void aRedirectFileThatCannotBeOpenedNamesItsErrnoAndPath(@TempDir Path dir) throws IOException {
        try (SpawnTemplate sh = spawner.template(Path.of("/bin/sh"))) {
            Path missing = dir.resolve("no/such/dir/out.txt");
            SpawnException e = assertThrows(SpawnException.class,
                    () -> sh.spawn(SpawnRequest.builder("sh").stdout(Stdio.writeTo(missing)).build()));
            assertEquals("ENOENT", e.errnoName(), e.getMessage());
            assertEquals(missing.toString(), ((NoSuchFileException) e.getCause()).getFile());
            assertEquals(1, e.redirectTarget());
            e = assertThrows(SpawnException.class,
                    () -> sh.spawn(SpawnRequest.builder("sh").stderr(Stdio.writeTo(dir)).build()));
            assertEquals("EISDIR", e.errnoName(), e.getMessage());
            assertTrue(e.getMessage().contains(dir.toString()), e.getMessage());
            assertEquals(2, e.redirectTarget());
        }
    }
}
