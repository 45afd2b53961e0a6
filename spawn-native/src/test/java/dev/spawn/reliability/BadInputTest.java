package dev.spawn.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spawn.Backend;
import dev.spawn.SpawnAction;
import dev.spawn.SpawnRequest;
import dev.spawn.SpawnTemplate;
import dev.spawn.SpawnedProcess;
import dev.spawn.Spawner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bad-input table (docs/RELIABILITY.md): each bad input, on USERSPACE and on
 * PROCESS_BUILDER, gives exactly the outcome in the table — an exception of that exact class
 * (for a {@code SpawnException}, that stage and errno), or a child with that exit status. None
 * may crash the JVM, hang (every case is bounded) or leak (the {@link InvariantExtension} runs
 * after each row).
 */
class BadInputTest {
    /** MAX_ARG_STRLEN: 32 pages, the longest single argv/envp string, NUL included. */
    private static final int MAX_ARG_STRLEN = 32 * 4096;
    private static final int HUGE_FD = 1 << 30;

    private static Path dir;
    private static Path noexecMount;

    /** One row's action: returns the child it started (drained and waited here), or throws. */
    interface Body {
        Object run(Spawner spawner) throws Exception;
    }

    @BeforeAll
    static void files() throws Exception {
        dir = Files.createTempDirectory("spawn-bad-input");
        Files.writeString(dir.resolve("plain"), "not a program\n");
        Files.setPosixFilePermissions(dir.resolve("plain"), PosixFilePermissions.fromString("rw-r--r--"));
        Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("nowhere"));
        noexecMount = Files.createDirectory(dir.resolve("noexec"));
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "noexec,size=16m", "tmpfs",
                noexecMount.toString()).redirectErrorStream(true).start();
        String said = new String(mount.getInputStream().readAllBytes());
        assertTrue(mount.waitFor(30, TimeUnit.SECONDS) && mount.exitValue() == 0,
                "cannot mount a noexec tmpfs (root needed): " + said);
        Probes.probeCopy(noexecMount, "probe");
    }

    @AfterAll
    static void cleanUp() throws Exception {
        Process umount = new ProcessBuilder("umount", noexecMount.toString()).inheritIO().start();
        assertEquals(0, umount.waitFor());
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    static Stream<Arguments> table() {
        List<Arguments> rows = new ArrayList<>();
        // name, body, outcome on USERSPACE, outcome on PROCESS_BUILDER
        row(rows, "NUL in argv", s -> SpawnRequest.builder("p", "a\0b"),
                "IllegalArgumentException", "IllegalArgumentException");
        row(rows, "NUL in an environment name", s -> SpawnRequest.builder("p").environment(Map.of("A\0B", "v")),
                "IllegalArgumentException", "IllegalArgumentException");
        row(rows, "NUL in an environment value", s -> SpawnRequest.builder("p").environment(Map.of("A", "v\0w")),
                "IllegalArgumentException", "IllegalArgumentException");
        row(rows, "'=' in an environment name", s -> SpawnRequest.builder("p").environment(Map.of("A=B", "v")),
                "IllegalArgumentException", "IllegalArgumentException");
        row(rows, "NUL in the template path (the JDK refuses to make the Path)",
                s -> s.template(Paths.get("/bin/tr\0ue")), "InvalidPathException", "InvalidPathException");
        row(rows, "NUL in an open action's path", s -> SpawnAction.open("/dev/nu\0ll", 0, SpawnAction.O_RDONLY, 0),
                "IllegalArgumentException", "IllegalArgumentException");
        row(rows, "empty argv", s -> SpawnRequest.builder().build(),
                "IllegalArgumentException", "IllegalArgumentException");
        row(rows, "empty argv list", s -> SpawnRequest.builder("p").args(List.of()),
                "IllegalArgumentException", "IllegalArgumentException");
        row(rows, "empty program name (template path \"\")", s -> s.template(Paths.get("")),
                "IllegalArgumentException", "IllegalArgumentException");
        row(rows, "empty argv[0] (allowed: the child runs)", s -> spawnProbe(s, SpawnRequest.builder("", "exit", "7")),
                "exit 7", "exit 7");
        row(rows, "argument of MAX_ARG_STRLEN-1 bytes (128 KiB - 1: the longest allowed)",
                s -> spawnProbe(s, SpawnRequest.builder("p", "exit", "0", "x".repeat(MAX_ARG_STRLEN - 1))),
                "exit 0", "exit 0");
        row(rows, "argument of MAX_ARG_STRLEN bytes (128 KiB)",
                s -> spawnProbe(s, SpawnRequest.builder("p", "exit", "0", "x".repeat(MAX_ARG_STRLEN))),
                "SpawnException EXEC E2BIG", "SpawnException EXEC E2BIG");
        row(rows, "1 MiB argument",
                s -> spawnProbe(s, SpawnRequest.builder("p", "exit", "0", "x".repeat(1 << 20))),
                "SpawnException EXEC E2BIG", "SpawnException EXEC E2BIG");
        row(rows, "environment value of 1 MiB",
                s -> spawnProbe(s, SpawnRequest.builder("p", "exit", "0").environment(Map.of("BIG", "x".repeat(1 << 20)))),
                "SpawnException EXEC E2BIG", "SpawnException EXEC E2BIG");
        row(rows, "argv of 4 MiB in 64 KiB strings (above ARG_MAX = 2 MiB with an 8 MiB stack)",
                s -> spawnProbe(s, SpawnRequest.builder(manyArgs(64, 64 * 1024))),
                "SpawnException EXEC E2BIG", "SpawnException EXEC E2BIG");
        row(rows, "relative template path", s -> s.template(Paths.get("bin/true")),
                "IllegalArgumentException", "IllegalArgumentException");
        row(rows, "directory as the template", s -> s.template(dir),
                "AccessDeniedException", "AccessDeniedException");
        row(rows, "non-executable file", s -> s.template(dir.resolve("plain")),
                "AccessDeniedException", "AccessDeniedException");
        row(rows, "executable file on a noexec mount", s -> s.template(noexecMount.resolve("probe")),
                "AccessDeniedException", "AccessDeniedException");
        row(rows, "dangling symlink", s -> s.template(dir.resolve("dangling")),
                "NoSuchFileException", "NoSuchFileException");
        row(rows, "missing working directory",
                s -> spawnProbe(s, SpawnRequest.builder("p", "exit", "0").directory(dir.resolve("nowhere"))),
                "SpawnException BEFORE_CHILD ENOENT", "SpawnException BEFORE_CHILD ENOENT");
        row(rows, "negative fd: dup2(-1, 1)", s -> SpawnAction.dup2(-1, 1),
                "IllegalArgumentException", "IllegalArgumentException");
        row(rows, "negative fd: dup2(1, -5)", s -> SpawnAction.dup2(1, -5),
                "IllegalArgumentException", "IllegalArgumentException");
        row(rows, "negative fd: close(-1)", s -> SpawnAction.close(-1),
                "IllegalArgumentException", "IllegalArgumentException");
        row(rows, "negative fd: fchdir(-1)", s -> SpawnAction.fchdir(-1),
                "IllegalArgumentException", "IllegalArgumentException");
        row(rows, "negative fd: closeRange(-3, 10)", s -> SpawnAction.closeRange(-3, 10, 0),
                "IllegalArgumentException", "IllegalArgumentException");
        row(rows, "huge fd: dup2(1<<30, 1)", s -> spawnProbe(s, withAction(SpawnAction.dup2(HUGE_FD, 1))),
                "SpawnException ACTION EBADF", "UnsupportedOperationException");
        row(rows, "huge fd: dup2(1, 1<<30) (above RLIMIT_NOFILE)",
                s -> spawnProbe(s, withAction(SpawnAction.dup2(1, HUGE_FD))),
                "SpawnException ACTION EBADF", "UnsupportedOperationException");
        row(rows, "huge fd: close(1<<30)", s -> spawnProbe(s, withAction(SpawnAction.close(HUGE_FD))),
                "SpawnException ACTION EBADF", "UnsupportedOperationException");
        row(rows, "huge fd: fchdir(Integer.MAX_VALUE)",
                s -> spawnProbe(s, withAction(SpawnAction.fchdir(Integer.MAX_VALUE))),
                "SpawnException ACTION EBADF", "UnsupportedOperationException");
        row(rows, "huge fd: closeRange(1<<30, max) (nothing to close: fine)",
                s -> spawnProbe(s, withAction(SpawnAction.closeRangeToMax(HUGE_FD, 0))),
                "exit 0", "UnsupportedOperationException");
        row(rows, "257 actions", s -> SpawnRequest.builder("p").actions(Collections.nCopies(257, SpawnAction.close(9))),
                "IllegalArgumentException", "IllegalArgumentException");
        row(rows, "254 actions plus the library's 4 (mask, 3 pipes)",
                s -> spawnProbe(s, SpawnRequest.builder("p", "exit", "0")
                        .actions(Collections.nCopies(254, SpawnAction.closeRange(100, 200, 0)))),
                "IllegalArgumentException", "UnsupportedOperationException");
        row(rows, "252 actions plus the library's 4 = 256 (allowed)",
                s -> spawnProbe(s, SpawnRequest.builder("p", "exit", "0")
                        .actions(Collections.nCopies(252, SpawnAction.closeRange(100, 200, 0)))),
                "exit 0", "UnsupportedOperationException");
        row(rows, "huge fd: dup2(1, Integer.MAX_VALUE)",
                s -> spawnProbe(s, withAction(SpawnAction.dup2(1, Integer.MAX_VALUE))),
                "SpawnException ACTION EBADF", "UnsupportedOperationException");
        row(rows, "251 actions installing fds 5 and 7, the library's 4 and its close-on-exec mark = 256 (allowed)",
                s -> {
                    List<SpawnAction> actions = new ArrayList<>(Collections.nCopies(249, SpawnAction.closeRange(100, 200, 0)));
                    actions.add(SpawnAction.dup2(1, 5));
                    actions.add(SpawnAction.dup2(1, 7));
                    return spawnProbe(s, SpawnRequest.builder("p", "exit", "0").actions(actions));
                },
                "exit 0", "UnsupportedOperationException");
        return rows.stream();
    }

    private static void row(List<Arguments> rows, String name, Body body, String userspace, String processBuilder) {
        rows.add(Arguments.of(name, Backend.USERSPACE, body, userspace));
        rows.add(Arguments.of(name, Backend.PROCESS_BUILDER, body, processBuilder));
    }

    private static SpawnRequest.Builder withAction(SpawnAction action) {
        return SpawnRequest.builder("p", "exit", "0").action(action);
    }

    private static String[] manyArgs(int count, int length) {
        String[] args = new String[count + 3];
        args[0] = "p";
        args[1] = "exit";
        args[2] = "0";
        for (int i = 3; i < args.length; i++) {
            args[i] = "y".repeat(length);
        }
        return args;
    }

    private static SpawnedProcess spawnProbe(Spawner spawner, SpawnRequest.Builder request) throws IOException {
        try (SpawnTemplate probe = spawner.template(Probes.probe())) {
            return probe.spawn(request.build());
        }
    }

    @ParameterizedTest(name = "{0} on {1} -> {3}")
    @MethodSource("table")
    void badInput(String name, Backend backend, Body body, String expected) throws Exception {
        Spawner spawner = Spawner.using(backend);
        String outcome;
        try {
            Object result = body.run(spawner);
            if (result instanceof SpawnTemplate) {
                ((SpawnTemplate) result).close();
                outcome = "template created";
            } else if (result instanceof SpawnedProcess) {
                SpawnedProcess process = (SpawnedProcess) result;
                assertEquals(backend, process.backend());
                outcome = "exit " + Probes.finish(process).exit();
            } else {
                outcome = "accepted: " + result;
            }
        } catch (Exception | Error e) {
            if (e instanceof AssertionError) {
                throw e;
            }
            outcome = Probes.describe(e);
            System.out.println("[bad-input] " + name + " on " + backend + ": " + outcome + ": " + e.getMessage());
        }
        assertEquals(expected, outcome, name + " on " + backend);
    }
}
