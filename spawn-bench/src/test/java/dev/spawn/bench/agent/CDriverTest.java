package dev.spawn.bench.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spawn.Backend;
import dev.spawn.Spawner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The C reference driver as the runner uses it: through {@link SplitRun}, the call file and the
 * worker protocol, with its digests and exit codes checked against what Java computes.
 */
class CDriverTest {
    /** Built by spawn-native's make run; the test fails, not skips, without it. */
    private static final Path DRIVER = Path.of("..").resolve(CDriver.BUILD_OUTPUT).toAbsolutePath().normalize();

    @ParameterizedTest
    @EnumSource(value = Engine.class, names = {"C", "C_POSIX"})
    void runsTheCallsAndReportsWhatJavaWouldDigest(Engine engine, @TempDir Path dir) throws Exception {
        assertTrue(Files.isExecutable(DRIVER), "no C driver at " + DRIVER + " (make -C src-c all)");
        Path workspace = Files.createDirectories(dir.resolve("ws"));
        byte[] big = "line of text with spaces and % and + signs\n".repeat(5000).getBytes(StandardCharsets.UTF_8);
        Files.write(workspace.resolve("big file.txt"), big);
        Files.writeString(workspace.resolve("a.txt"), "hello\n");
        Map<String, ResolvedTool> tools = Map.of(
                "cat", new ResolvedTool("cat", Path.of("/bin/cat"), Path.of("/bin/cat"), null, null),
                "sh", new ResolvedTool("sh", Path.of("/bin/sh"), Path.of("/bin/sh"), null, null));
        List<CallSpec> calls = List.of(
                new CallSpec(0, Tool.CAT, List.of("big file.txt")),
                new CallSpec(1, Tool.SH, List.of("-c", "printf 'x\\ty%s' \"$PWD\"; echo err >&2; exit 3")),
                new CallSpec(2, Tool.CAT, List.of("")),
                new CallSpec(3, Tool.SH, List.of("-c", "kill -9 $$")),
                new CallSpec(4, Tool.CAT, List.of("a.txt")));
        Path callsFile = dir.resolve("calls.tsv");
        CallFile.write(callsFile, calls, tools);
        Path logs = Files.createDirectories(dir.resolve("logs"));

        RunResult result = new SplitRun(callsFile, callsFile, workspace, logs, List.of(), DRIVER, "spawn", false,
                new Workers()).run(engine, new Split(2, 2), 0, started -> { });

        assertEquals(5, result.calls());
        List<CallOutcome> got = result.outcomes();
        for (CallOutcome outcome : got) {
            assertNull(outcome.error(), outcome.toString());
        }
        assertEquals(List.of(0, 3, 1, 137, 0), got.stream().map(CallOutcome::exitCode).toList());
        assertEquals(sha256(big), got.get(0).stdoutSha256());
        assertEquals(big.length, got.get(0).stdoutBytes());
        String pwdLine = "x\ty" + workspace.toRealPath();
        assertEquals(sha256(pwdLine.getBytes(StandardCharsets.UTF_8)), got.get(1).stdoutSha256(),
                "runs in the workspace, stdout digested, stderr apart");
        assertEquals(4, got.get(1).stderrBytes());
        assertTrue(got.get(2).stderrBytes() > 0, "cat '' complains on stderr");
        assertEquals(sha256(new byte[0]), got.get(2).stdoutSha256());
        assertEquals(sha256("hello\n".getBytes(StandardCharsets.UTF_8)), got.get(4).stdoutSha256());
        assertEquals(2, result.workerStats().size());
        assertTrue(result.workerCpuNanos() > 0, "the drivers report their own CPU time");
        assertTrue(result.workerStats().get(0).contains("mode=" + engine.driverMode()), result.workerStats().get(0));
    }

    @ParameterizedTest
    @EnumSource(value = Engine.class, names = {"C", "C_POSIX"})
    void namesTheChildAfterASymlinkedPathAsProcessBuilderDoes(Engine engine, @TempDir Path dir) throws Exception {
        assertTrue(Files.isExecutable(DRIVER), "no C driver at " + DRIVER + " (make -C src-c all)");
        // USERSPACE execs a symlink by its path: exec'd by the held fd, cat would call itself "cat"
        Path link = Files.createSymbolicLink(dir.resolve("linkedcat"), Path.of("/bin/cat").toRealPath());
        Path workspace = Files.createDirectories(dir.resolve("ws"));
        Path callsFile = dir.resolve("calls.tsv");
        CallFile.write(callsFile, List.of(new CallSpec(0, Tool.CAT, List.of("/proc/self/comm"))),
                Map.of("cat", new ResolvedTool("cat", link, link.toRealPath(), null, null)));
        Process reference = new ProcessBuilder(link.toString(), "/proc/self/comm").start();
        byte[] expected = reference.getInputStream().readAllBytes();
        assertEquals(0, reference.waitFor());
        assertEquals("linkedcat\n", new String(expected, StandardCharsets.UTF_8));

        RunResult result = new SplitRun(callsFile, callsFile, workspace, Files.createDirectories(dir.resolve("logs")),
                List.of(), DRIVER, "spawn", false, new Workers()).run(engine, new Split(1, 1), 0, started -> { });

        assertEquals(sha256(expected), result.outcomes().get(0).stdoutSha256());
    }

    /**
     * On a kernel without the RFC's syscalls the kernel mode must stop at its first create and say
     * why, not fall back: a c-kernel figure that silently ran the userspace path would mislead.
     * Inside the RFC kernel {@code .ci/driver-kernel-mode} checks that its calls match the shim's.
     */
    @Test
    void theKernelModeRefusesToRunWithoutTheRfcSyscalls(@TempDir Path dir) throws Exception {
        assertTrue(Files.isExecutable(DRIVER), "no C driver at " + DRIVER + " (make -C src-c all)");
        assertFalse(Spawner.of(Backend.values()).backends().contains(Backend.KERNEL_TEMPLATE),
                "this test is for the host kernel; the RFC kernel's case is .ci/driver-kernel-mode");
        Path workspace = Files.createDirectories(dir.resolve("ws"));
        Path callsFile = dir.resolve("calls.tsv");
        CallFile.write(callsFile, List.of(new CallSpec(0, Tool.CAT, List.of("/dev/null"))),
                Map.of("cat", new ResolvedTool("cat", Path.of("/bin/cat"), Path.of("/bin/cat"), null, null)));

        WorkerFailure e = assertThrows(WorkerFailure.class, () -> new SplitRun(callsFile, callsFile, workspace,
                Files.createDirectories(dir.resolve("logs")), List.of(), DRIVER, "spawn", false, new Workers())
                .run(Engine.C_KERNEL, new Split(1, 1), 0, started -> { }));

        assertTrue(e.getMessage().contains("this kernel has no spawn templates: spawn_template_create (472) failed: errno 38"
                + " (Function not implemented)"),
                e.getMessage());
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Test
    void aDriverPathThatIsNoExecutableIsAUsageError(@TempDir Path dir) {
        UsageError e = assertThrows(UsageError.class, () -> CDriver.locate(dir.resolve("none"), dir));
        assertEquals("--c-driver: " + dir.resolve("none") + " is not an executable file", e.getMessage());
    }

    @Test
    void theCheckSaysWhichLibcryptoTheDriverRunsOn(@TempDir Path dir) throws Exception {
        assertTrue(CDriver.check(DRIVER, dir).startsWith("agent-driver: OpenSSL "));
        try (var left = Files.list(dir)) {
            assertEquals(List.of(), left.toList(), "the check leaves nothing behind");
        }
    }

    @Test
    void aDriverThatCannotRunHereIsAUsageErrorWithWhatTheLoaderSaid(@TempDir Path dir) throws Exception {
        Path broken = FixtureTest.script(dir.resolve("agent-driver"), "#!/bin/sh\necho 'agent-driver: error while"
                + " loading shared libraries: libcrypto.so.3: cannot open shared object file' >&2\nexit 127\n");
        UsageError e = assertThrows(UsageError.class, () -> CDriver.check(broken, dir));
        assertEquals("the C reference driver " + broken + " cannot run (exit code 127): agent-driver: error while"
                + " loading shared libraries: libcrypto.so.3: cannot open shared object file", e.getMessage());
    }

    @Test
    void aLoaderWarningBeforeTheBannerDoesNotHideIt(@TempDir Path dir) throws Exception {
        Path warned = FixtureTest.script(dir.resolve("agent-driver"), "#!/bin/sh\necho \"ERROR: ld.so: object"
                + " 'libfoo.so' from LD_PRELOAD cannot be preloaded: ignored.\" >&2\necho 'agent-driver: OpenSSL 3.0.15'\n");
        assertEquals("agent-driver: OpenSSL 3.0.15", CDriver.check(warned, dir));
    }

    @Test
    void aProgramThatExitsZeroWithoutTheDriversBannerIsNotTheDriver(@TempDir Path dir) throws Exception {
        UsageError silent = assertThrows(UsageError.class, () -> CDriver.check(Path.of("/bin/true"), dir));
        assertEquals("/bin/true is not the C reference driver: its --check printed nothing, not \"agent-driver:"
                + " ...\"", silent.getMessage());
        Path other = FixtureTest.script(dir.resolve("other"), "#!/bin/sh\necho 'usage: other [--check]'\n");
        UsageError e = assertThrows(UsageError.class, () -> CDriver.check(other, dir));
        assertEquals(other + " is not the C reference driver: its --check printed \"usage: other [--check]\", not"
                + " \"agent-driver: ...\"", e.getMessage());
    }
}
