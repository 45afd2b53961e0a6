package dev.spawn.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spawn.Backend;
import dev.spawn.SpawnAction;
import dev.spawn.SpawnException;
import dev.spawn.SpawnRequest;
import dev.spawn.SpawnTemplate;
import dev.spawn.Spawner;
import dev.spawn.ToolCall;
import dev.spawn.spi.StaleTemplateException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What USERSPACE does beyond the shared suite: failures in the child become exceptions (the
 * kernel can only give 126/127/1), scripts run, and identity checks give the kernel's ESTALE.
 */
class UserspaceOnlyTest {
    @TempDir
    Path dir;

    private final Spawner spawner = Spawner.using(Backend.USERSPACE);

    @Test
    void aFailedActionNamesItsIndexActionAndErrnoAndLeavesNoZombie() throws Exception {
        try (SpawnTemplate probe = spawner.template(TestSupport.probePath())) {
            SpawnException e = assertThrows(SpawnException.class, () -> probe.spawn(SpawnRequest.builder("p")
                    .stdin(dev.spawn.Stdio.inherit()).stdout(dev.spawn.Stdio.inherit()).stderr(dev.spawn.Stdio.inherit())
                    .action(SpawnAction.dup2(1, 60), SpawnAction.close(901)).build()));
            assertEquals(SpawnException.Stage.ACTION, e.stage());
            assertEquals("EBADF", e.errnoName());
            assertEquals(SpawnAction.close(901), e.action());
            assertEquals(1, e.actionIndex(), "the index in the request's own actions");
            assertTrue(e.getMessage().contains("action #1 close(901) failed: EBADF (Bad file descriptor)"), e.getMessage());
            assertEquals(List.of(), zombies());
        }
    }

    @Test
    void aFailedOpenActionNamesThePath() throws Exception {
        try (SpawnTemplate probe = spawner.template(TestSupport.probePath())) {
            String missing = dir.resolve("nope").toString();
            SpawnException e = assertThrows(SpawnException.class, () -> probe.spawn(SpawnRequest.builder("p")
                    .action(SpawnAction.open(missing, 0, SpawnAction.O_RDONLY, 0)).build()));
            assertEquals("ENOENT", e.errnoName());
            assertTrue(e.getCause() instanceof NoSuchFileException);
            assertEquals(missing, ((NoSuchFileException) e.getCause()).getFile());
        }
    }

    @Test
    void scriptsRunByPath() throws Exception {
        Path script = Files.writeString(dir.resolve("s.sh"), "#!/bin/sh\necho \"args: $*\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (SpawnTemplate template = spawner.template(script)) {
            assertEquals("args: a b\n", TestSupport.run(template, Backend.USERSPACE,
                    SpawnRequest.builder("s", "a", "b").build()).out());
        }
    }

    @Test
    void chmodIsStaleAndRecreatedTransparently() throws Exception {
        Path tool = TestSupport.probeCopy(dir, "tool");
        try (SpawnTemplate template = spawner.template(tool)) {
            Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwx------"));
            assertEquals("ok\n", TestSupport.run(template, Backend.USERSPACE,
                    SpawnRequest.builder("t", "echo", "ok").build()).out());
            Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rw-------"));
            assertThrows(AccessDeniedException.class, () -> template.spawn("t", "exit", "0"));
        }
        assertEquals(1L, spawner.stats().recreated(), "the failed re-create is not counted");
    }

    @Test
    void aToolReplacedByRenameRunsTheNewBinary() throws Exception {
        Path tool = TestSupport.probeCopy(dir, "tool");
        try (SpawnTemplate template = spawner.template(tool)) {
            Path replacement = dir.resolve("tool.new");
            Files.copy(Path.of("/bin/echo"), replacement);
            Files.move(replacement, tool, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            assertEquals("echo new\n", TestSupport.run(template, Backend.USERSPACE,
                    SpawnRequest.builder("t", "echo", "new").build()).out());
        }
        assertEquals(1L, spawner.stats().recreated());
    }

    /** The ways into a template, each of which must report an executable gone bad alike. */
    enum Use {
        SPAWN, CALL, CALL_ASYNC;

        void on(SpawnTemplate template) throws Exception {
            ToolCall call = ToolCall.builder("t", "exit", "0").build();
            switch (this) {
                case SPAWN -> template.spawn("t", "exit", "0");
                case CALL -> template.call(call);
                case CALL_ASYNC -> template.callAsync(call);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Use.class)
    void aDeletedToolIsNoSuchFileWithTheStaleTemplateSuppressed(Use use) throws Exception {
        Path tool = TestSupport.probeCopy(dir, "tool");
        try (SpawnTemplate template = spawner.template(tool)) {
            Files.delete(tool);
            assertStaleThenTyped(NoSuchFileException.class, tool, template, use);
        }
    }

    @ParameterizedTest
    @EnumSource(Use.class)
    void aToolMadeNonExecutableIsAccessDeniedWithTheStaleTemplateSuppressed(Use use) throws Exception {
        Path tool = TestSupport.probeCopy(dir, "tool");
        try (SpawnTemplate template = spawner.template(tool)) {
            Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rw-------"));
            assertStaleThenTyped(AccessDeniedException.class, tool, template, use);
        }
    }

    /** The re-create's own exception, naming the file, not a SpawnException: what SpawnTemplate's Javadoc promises. */
    private static void assertStaleThenTyped(Class<? extends FileSystemException> expected, Path tool,
            SpawnTemplate template, Use use) {
        FileSystemException e = assertThrows(expected, () -> use.on(template));
        assertEquals(tool.toString(), e.getFile());
        assertEquals(1, e.getSuppressed().length, () -> List.of(e.getSuppressed()).toString());
        assertTrue(e.getSuppressed()[0] instanceof StaleTemplateException, "why it was re-created is kept");
    }

    @Test
    void createErrorsAreTyped() throws Exception {
        assertThrows(NoSuchFileException.class, () -> spawner.template(dir.resolve("missing")));
        assertThrows(AccessDeniedException.class, () -> spawner.template(dir));
        Path plain = Files.writeString(dir.resolve("plain"), "#!/bin/sh\n");
        assertThrows(AccessDeniedException.class, () -> spawner.template(plain));
        Path dangling = Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("nowhere"));
        assertThrows(NoSuchFileException.class, () -> spawner.template(dangling));
    }

    @Test
    void theKernelBackendIsUnavailableOnAStockKernelWithEnosys() {
        Spawner system = Spawner.of(Backend.values());
        assertFalse(system.backends().contains(Backend.KERNEL_TEMPLATE));
        assertTrue(system.unavailableBackends().get(Backend.KERNEL_TEMPLATE).contains("ENOSYS"),
                () -> "cause: " + system.unavailableBackends());
        assertEquals(Backend.USERSPACE, system.preferredBackend());
    }

    /** This JVM's children that have exited but were not reaped. */
    private static List<String> zombies() throws Exception {
        long self = ProcessHandle.current().pid();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().matches("\\d+")).filter(p -> {
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    return fields[0].equals("Z") && Long.parseLong(fields[1]) == self;
                } catch (Exception gone) {
                    return false;
                }
            }).map(p -> p.getFileName().toString()).collect(Collectors.toList());
        }
    }
}
