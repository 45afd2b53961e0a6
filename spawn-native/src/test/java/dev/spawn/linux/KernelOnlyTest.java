package dev.spawn.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spawn.Backend;
import dev.spawn.SpawnRequest;
import dev.spawn.SpawnStats;
import dev.spawn.SpawnTemplate;
import dev.spawn.Spawner;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What only the RFC kernel does, and the library's answer to it: ENOEXEC for scripts, deny-write,
 * ESTALE after a change, EACCES for another credential. Each test uses its own spawner so the
 * counters it asserts are its own.
 */
@Tag("kernel")
class KernelOnlyTest {
    @TempDir
    Path dir;

    private static final int O_RDONLY = 0;
    private static final int O_PATH = 0x200000;

    private final Spawner spawner = Spawner.of(Backend.values());

    @Test
    void theKernelBackendIsProvenAndPreferred() {
        assertEquals(Backend.KERNEL_TEMPLATE, spawner.preferredBackend(), () -> "unavailable: " + spawner.unavailableBackends());
        assertEquals(Backend.KERNEL_TEMPLATE, Spawner.system().preferredBackend());
    }

    @Test
    void theProbeAlsoProvesTheSpawnSyscall() {
        assertEquals(null, KernelTemplateBackend.probe(472, 473));
        Throwable blocked = KernelTemplateBackend.probe(472, 999);
        assertTrue(blocked instanceof UnsupportedOperationException, String.valueOf(blocked));
        assertTrue(blocked.getMessage().contains("spawn_template_spawn (syscall 999) is not available: ENOSYS"),
                blocked.getMessage());
        Throwable other = KernelTemplateBackend.probe(472, 39);
        assertTrue(String.valueOf(other).contains("syscall 39 answered"), "getpid is no spawn: " + other);
    }

    @Test
    void aScriptGetsEnoexecAndFallsBackToUserspace() throws Exception {
        Path script = Files.writeString(dir.resolve("script.sh"), "#!/bin/sh\necho \"script $1\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (SpawnTemplate template = spawner.template(script)) {
            assertEquals(Backend.USERSPACE, template.backend());
            assertEquals("script ran\n", run(template, Backend.USERSPACE, SpawnRequest.builder("s", "ran").build()).out());
        }
        assertEquals(1L, spawner.stats().fallbacks().get("KERNEL_TEMPLATE->USERSPACE (ENOEXEC)"));
    }

    @Test
    void theExecutableIsWriteDeniedWhileATemplateLives() throws Exception {
        Path tool = TestSupport.probeCopy(dir, "tool");
        try (SpawnTemplate template = spawner.template(tool)) {
            assertEquals(Backend.KERNEL_TEMPLATE, template.backend());
            FileSystemException e = assertThrows(FileSystemException.class,
                    () -> FileChannel.open(tool, StandardOpenOption.WRITE).close());
            assertTrue(String.valueOf(e.getReason()).contains("Text file busy"), e.toString());
        }
        FileChannel.open(tool, StandardOpenOption.WRITE).close();
    }

    @Test
    void aChmodThatKeepsItExecutableIsATransparentRecreate() throws Exception {
        Path tool = TestSupport.probeCopy(dir, "tool");
        try (SpawnTemplate template = spawner.template(tool)) {
            assertEquals(0, run(template, Backend.KERNEL_TEMPLATE, SpawnRequest.builder("t", "exit", "0").build()).exit());
            Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwx------"));
            assertEquals(0, run(template, Backend.KERNEL_TEMPLATE, SpawnRequest.builder("t", "exit", "0").build()).exit());
        }
        SpawnStats stats = spawner.stats();
        assertEquals(1L, stats.recreated());
        assertEquals(0L, stats.totalFallbacks());
    }

    @Test
    void aChmodThatRemovesExecIsAccessDenied() throws Exception {
        Path tool = TestSupport.probeCopy(dir, "tool");
        try (SpawnTemplate template = spawner.template(tool)) {
            Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rw-------"));
            assertThrows(AccessDeniedException.class, () -> template.spawn("t", "exit", "0"));
        }
    }

    @Test
    void aToolReplacedByRenameIsRecreatedAndTheNewBinaryRuns() throws Exception {
        Path tool = TestSupport.probeCopy(dir, "tool");
        try (SpawnTemplate template = spawner.template(tool)) {
            assertEquals("old\n", run(template, Backend.KERNEL_TEMPLATE, SpawnRequest.builder("t", "echo", "old").build()).out());
            Path replacement = dir.resolve("tool.new");
            Files.copy(Path.of("/bin/echo"), replacement);
            Files.move(replacement, tool, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Result newer = run(template, Backend.KERNEL_TEMPLATE, SpawnRequest.builder("t", "echo", "new").build());
            assertEquals("echo new\n", newer.out(), "the old binary ran after the rename");
        }
        assertEquals(1L, spawner.stats().recreated());
    }

    @Test
    void anotherCredentialGetsEaccesAndTheTemplateIsRecreated() throws Exception {
        Path tool = TestSupport.probeCopy(dir, "tool");
        try (SpawnTemplate template = spawner.template(tool)) {
            String out = CompletableFuture.supplyAsync(() -> {
                // prctl commits a new struct cred for this thread alone: the kernel now says EACCES.
                if (TestSupport.LibC.INSTANCE.prctl(TestSupport.PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0) {
                    throw new IllegalStateException("prctl(PR_SET_KEEPCAPS) failed");
                }
                try {
                    return run(template, Backend.KERNEL_TEMPLATE, SpawnRequest.builder("t", "echo", "cred").build()).out();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, runnable -> new Thread(runnable, "other-cred").start()).get();
            assertEquals("cred\n", out);
        }
        assertEquals(1L, spawner.stats().recreated());
    }

    @Test
    void aChildFailureInTheKernelIsOnlyAnExitStatus() throws Exception {
        try (SpawnTemplate template = spawner.template(TestSupport.probePath())) {
            Result bad = run(template, Backend.KERNEL_TEMPLATE, SpawnRequest.builder("t", "exit", "0")
                    .action(dev.spawn.SpawnAction.close(900)).build());
            assertEquals(1, bad.exit());
        }
    }

    @Test
    void anOPathFdIsReopenedForTheKernel() throws Exception {
        Path tool = TestSupport.probeCopy(dir, "tool");
        int fd = LibSpawn.spawn_open(CStrings.of(tool.toString()), O_PATH, 0);
        assertTrue(fd >= 0, "open O_PATH: " + fd);
        try (SpawnTemplate template = spawner.template(fd)) {
            assertEquals(Backend.KERNEL_TEMPLATE, template.backend());
            assertEquals("path\n", run(template, Backend.KERNEL_TEMPLATE, SpawnRequest.builder("t", "echo", "path").build()).out());
        } finally {
            LibSpawn.spawn_close(fd);
        }
    }

    @Test
    void aTemplateFromAnFdRunsItsOwnExecutableForMovedRequestsAfterTheNumberIsReused() throws Exception {
        Path tool = TestSupport.probeCopy(dir, "tool");
        int fd = LibSpawn.spawn_open(CStrings.of(tool.toString()), O_RDONLY, 0);
        assertTrue(fd >= 0, "open: " + fd);
        try (SpawnTemplate template = spawner.template(fd)) {
            assertEquals(Backend.KERNEL_TEMPLATE, template.backend());
            // the caller is done with its fd, and the number now names another program
            int echo = LibSpawn.spawn_open(CStrings.of("/bin/echo"), O_RDONLY, 0);
            assertEquals(fd, TestSupport.LibC.INSTANCE.dup2(echo, fd));
            LibSpawn.spawn_close(echo);
            // setsid is not the kernel's: the request is served by a USERSPACE template
            Result moved = run(template, Backend.USERSPACE, SpawnRequest.builder("t", "echo", "moved").newSession().build());
            assertEquals("moved\n", moved.out(), "the template's own program must run, not the one now at the fd's number");
        } finally {
            LibSpawn.spawn_close(fd);
        }
    }

    private record Result(int exit, String out) {
    }

    private static Result run(SpawnTemplate template, Backend backend, SpawnRequest request) throws Exception {
        TestSupport.Result result = TestSupport.run(template, backend, request);
        return new Result(result.exit(), result.out());
    }
}
