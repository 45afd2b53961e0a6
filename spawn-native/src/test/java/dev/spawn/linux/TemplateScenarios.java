package dev.spawn.linux;

import static dev.spawn.linux.TestSupport.probePath;
import static dev.spawn.linux.TestSupport.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spawn.Backend;
import dev.spawn.SpawnAction;
import dev.spawn.SpawnRequest;
import dev.spawn.SpawnTemplate;
import dev.spawn.SpawnedProcess;
import dev.spawn.Spawner;
import dev.spawn.Stdio;
import dev.spawn.linux.TestSupport.Result;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The RFC selftest's scenarios through the public API, for one backend. Each child is the probe
 * program, which reports what it really got (fds, mask, dispositions, cwd); each spawn asserts
 * the backend that served it, so a test that silently ran on a fallback fails.
 */
abstract class TemplateScenarios {
    private static final int SIGUSR1 = 10;
    private static final int SIGRT_TEST = 40;

    @TempDir
    Path dir;

    SpawnTemplate probe;

    /** The spawner under test. */
    abstract Spawner spawner();

    /** The backend every spawn of this suite must run on. */
    abstract Backend backend();

    @BeforeEach
    void openProbeTemplate() throws IOException {
        probe = spawner().template(probePath());
        assertEquals(backend(), probe.backend());
    }

    @AfterEach
    void closeProbeTemplate() {
        probe.close();
    }

    Result probe(String... args) throws Exception {
        return run(probe, backend(), SpawnRequest.builder(args).build());
    }

    Result probe(SpawnRequest.Builder request) throws Exception {
        return run(probe, backend(), request.build());
    }

    @Test
    void basicSpawn() throws Exception {
        try (SpawnTemplate trueTemplate = spawner().template(Path.of("/bin/true"))) {
            assertEquals(0, run(trueTemplate, backend(), SpawnRequest.builder("true").build()).exit());
        }
        Result echo = probe("spawn-probe", "echo", "héllo", "wörld", "");
        assertEquals(new Result(0, "héllo wörld \n", ""), echo);
    }

    @Test
    void argv0IsTheCallersAndExitCodesComeThrough() throws Exception {
        assertEquals("custom-name\n", probe("custom-name", "argv0").out());
        assertEquals(42, probe("p", "exit", "42").exit());
        assertEquals(0, probe("p", "exit", "256").exit());
    }

    /**
     * What ps, top and pkill see: the executable's name, as ProcessBuilder's children have it,
     * also on kernels before 6.14, whose execveat(AT_EMPTY_PATH) named the child "3" or the like.
     */
    @Test
    void theChildIsNamedAfterTheExecutable() throws Exception {
        assertEquals(expectedChildName() + "\n", probe("p", "comm").out());
    }

    /**
     * A program reached through a symlink is named after the link, as execve of the link's path
     * names it (Debian's {@code sh} is a link to {@code dash}, {@code python3} to
     * {@code python3.11}); on 6.14+ execveat from the held fd would name it after the target.
     */
    @Test
    void aChildStartedThroughASymlinkIsNamedAfterTheLink() throws Exception {
        Path alias = Files.createSymbolicLink(dir.resolve("probe-alias"), probePath());
        try (SpawnTemplate linked = spawner().template(alias)) {
            assertEquals(backend(), linked.backend());
            String expected = expectedChildName().isEmpty() ? "" : "probe-alias";
            assertEquals(expected + "\n", run(linked, backend(), SpawnRequest.builder("p", "comm").build()).out());
        }
    }

    /** /proc/PID/comm of a child of the probe's template. */
    String expectedChildName() {
        return "spawn-probe";
    }

    @Test
    void relativePathIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> spawner().template(Path.of("spawn-probe")));
    }

    @Test
    void executableFdWithoutExecPermissionIsRejected() throws IOException {
        Path plain = Files.writeString(dir.resolve("not-executable"), "data");
        Files.setPosixFilePermissions(plain, PosixFilePermissions.fromString("rw-------"));
        try (FileChannel channel = FileChannel.open(plain, StandardOpenOption.READ)) {
            int fd = TestSupport.fdOf(plain);
            assertThrows(AccessDeniedException.class, () -> spawner().template(fd));
        }
    }

    @Test
    void templateFromAnExecutableFd() throws Exception {
        try (FileChannel channel = FileChannel.open(probePath(), StandardOpenOption.READ);
                SpawnTemplate byFd = spawner().template(TestSupport.fdOf(probePath()))) {
            assertEquals(backend(), byFd.backend());
            assertEquals("by-fd\n", run(byFd, backend(), SpawnRequest.builder("p", "echo", "by-fd").build()).out());
        }
    }

    @Test
    void fdsAboveTwoAreClosedByDefault() throws Exception {
        Path file = Files.writeString(dir.resolve("secret"), "x");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            int fd = TestSupport.fdOf(file);
            assertFalse(TestSupport.closeOnExec(fd), "precondition: the JDK opened it without O_CLOEXEC");
            assertEquals("0 1 2\n", probe("p", "fds").out());
            assertEquals(3, probe("p", "fdopen", Integer.toString(fd)).exit());
        }
    }

    @Test
    void inheritFdsKeepsFdsThatAreNotCloseOnExec() throws Exception {
        Path file = Files.writeString(dir.resolve("shared"), "x");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            int fd = TestSupport.fdOf(file);
            assertEquals(0, probe(SpawnRequest.builder("p", "fdopen", Integer.toString(fd)).inheritFds(true)).exit());
        }
    }

    @Test
    void closeRangeToMaxClosesInheritedFds() throws Exception {
        Path file = Files.writeString(dir.resolve("range"), "x");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            int fd = TestSupport.fdOf(file);
            Result kept = probe(SpawnRequest.builder("p", "fdopen", Integer.toString(fd)).inheritFds(true)
                    .action(SpawnAction.closeRangeToMax(fd, 0)));
            assertEquals(3, kept.exit());
        }
    }

    @Test
    void dup2OfStdoutAndStderr() throws Exception {
        assertEquals(new Result(0, "stdout-token\n", "stderr-token\n"), probe("p", "stdio"));
        Result merged = probe(SpawnRequest.builder("p", "stdio").stderr(Stdio.toStdout()));
        assertEquals(new Result(0, "stdout-token\nstderr-token\n", ""), merged);
        Result swapped = probe(SpawnRequest.builder("p", "stdio").action(SpawnAction.dup2(2, 1)));
        assertEquals(new Result(0, "", "stdout-token\nstderr-token\n"), swapped);
    }

    @Test
    void dup2ToAHighFdSurvivesExec() throws Exception {
        SpawnAction closeTheJvmsOwn = SpawnAction.closeRange(3, 49, 0);
        Result fds = probe(SpawnRequest.builder("p", "fds").action(SpawnAction.dup2(1, 50), closeTheJvmsOwn)
                .inheritFds(true));
        assertEquals("0 1 2 50\n", fds.out());
        Result cloexec = probe(SpawnRequest.builder("p", "fds").action(SpawnAction.dup2(1, 50, true), closeTheJvmsOwn)
                .inheritFds(true));
        assertEquals("0 1 2\n", cloexec.out());
    }

    @Test
    void fdsTheActionsInstallAboveStderrReachTheProgramAndNoOthersDo() throws Exception {
        Path file = Files.writeString(dir.resolve("nine"), "through fd 9\n");
        Result fds = probe(SpawnRequest.builder("p", "fds").action(SpawnAction.dup2(1, 50),
                SpawnAction.open(file.toString(), 9, 0, 0), SpawnAction.dup2(1, 51),
                SpawnAction.open(file.toString(), 52, SpawnAction.O_CLOEXEC, 0)));
        assertEquals("0 1 2 9 50 51\n", fds.out(), "without inheritFds every other fd above 2 is closed");
        assertEquals("through fd 9\n", probe(SpawnRequest.builder("p", "cat", "9")
                .action(SpawnAction.open(file.toString(), 9, 0, 0))).out());
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            int inherited = TestSupport.fdOf(file);
            assertFalse(TestSupport.closeOnExec(inherited), "precondition: the JDK opened it without O_CLOEXEC");
            // dup2 onto itself only checks the fd is open, as in the RFC: it installs nothing
            Result self = probe(SpawnRequest.builder("p", "fds").action(SpawnAction.dup2(inherited, inherited),
                    SpawnAction.dup2(1, 50)));
            assertEquals("0 1 2 50\n", self.out());
        }
    }

    @Test
    void openActionOnStdin() throws Exception {
        Path input = Files.writeString(dir.resolve("input"), "open-action-token\n");
        Result cat = probe(SpawnRequest.builder("p", "cat", "0")
                .action(SpawnAction.open(input.toString(), 0, SpawnAction.O_RDONLY, 0)));
        assertEquals(new Result(0, "open-action-token\n", ""), cat);
    }

    @Test
    void stdinPipeAndFiles() throws Exception {
        SpawnedProcess cat = probe.spawn(SpawnRequest.builder("p", "cat", "0").build());
        assertEquals(backend(), cat.backend());
        try (OutputStream in = cat.getOutputStream()) {
            in.write("fed through the pipe\n".getBytes(StandardCharsets.UTF_8));
        }
        assertEquals("fed through the pipe\n", new String(cat.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        assertEquals(0, cat.waitFor());

        Path in = Files.writeString(dir.resolve("in"), "from a file\n");
        Path out = dir.resolve("out");
        assertEquals(0, probe(SpawnRequest.builder("p", "cat", "0").stdin(Stdio.readFrom(in)).stdout(Stdio.writeTo(out))).exit());
        assertEquals(0, probe(SpawnRequest.builder("p", "cat", "0").stdin(Stdio.readFrom(in)).stdout(Stdio.appendTo(out))).exit());
        assertEquals("from a file\nfrom a file\n", Files.readString(out));
        assertEquals(new Result(0, "", ""), probe(SpawnRequest.builder("p", "stdio").stdout(Stdio.discard()).stderr(Stdio.discard())));
    }

    @Test
    void stdinFromAnotherChildsStdout() throws Exception {
        SpawnedProcess upstream = probe.spawn(SpawnRequest.builder("p", "echo", "through", "the", "pipe").build());
        assertEquals(backend(), upstream.backend());
        assertEquals(new Result(0, "through the pipe\n", ""),
                probe(SpawnRequest.builder("p", "cat", "0").stdin(Stdio.stdoutOf(upstream))));
        assertEquals(-1, upstream.getInputStream().read(), "the upstream's output went to the downstream child");
        assertEquals(0, upstream.waitFor());
    }

    @Test
    void stdinFromAChildThatAlreadyExitedReplaysWhatItLeft() throws Exception {
        SpawnedProcess upstream = probe.spawn(SpawnRequest.builder("p", "echo", "kept", "after", "exit").build());
        // reaping it keeps its pending output in memory and closes its pipe, as ProcessBuilder does
        assertEquals(0, upstream.waitFor());
        assertEquals(new Result(0, "kept after exit\n", ""),
                probe(SpawnRequest.builder("p", "cat", "0").stdin(Stdio.stdoutOf(upstream))));
        assertEquals(-1, upstream.getInputStream().read());
    }

    @Test
    void stdinFromAnotherChildIsTheVeryPipeItWritesTo() throws Exception {
        SpawnedProcess upstream = probe.spawn(SpawnRequest.builder("p", "sleep", "30").build());
        SpawnedProcess downstream = probe.spawn(SpawnRequest.builder("p", "sleep", "30")
                .stdin(Stdio.stdoutOf(upstream)).build());
        try {
            String written = Files.readSymbolicLink(Path.of("/proc/" + upstream.pid() + "/fd/1")).toString();
            String read = Files.readSymbolicLink(Path.of("/proc/" + downstream.pid() + "/fd/0")).toString();
            assertTrue(written.startsWith("pipe:["), written);
            assertEquals(written, read, "no copy in between: one kernel pipe joins the two children");
        } finally {
            upstream.destroyForcibly();
            downstream.destroyForcibly();
            upstream.waitFor();
            downstream.waitFor();
        }
    }

    @Test
    void aFailedSpawnGivesTheUpstreamPipeBack() throws Exception {
        SpawnedProcess upstream = probe.spawn(SpawnRequest.builder("p", "echo", "still", "mine").build());
        Path nowhere = dir.resolve("nowhere");
        assertThrows(IOException.class, () -> probe.spawn(SpawnRequest.builder("p", "cat", "0")
                .stdin(Stdio.stdoutOf(upstream)).directory(nowhere).build()));
        assertEquals("still mine\n", new String(upstream.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        assertEquals(0, upstream.waitFor());
    }

    @Test
    void stdinFromAStreamThatIsNoPipeOrWasReadIsRefused() throws Exception {
        SpawnedProcess discarded = probe.spawn(SpawnRequest.builder("p", "echo", "x").stdout(Stdio.discard()).build());
        IllegalArgumentException noPipe = assertThrows(IllegalArgumentException.class, () -> probe.spawn(
                SpawnRequest.builder("p", "cat", "0").stdin(Stdio.stdoutOf(discarded)).build()));
        assertTrue(noPipe.getMessage().contains("not a pipe"), noPipe.getMessage());
        assertEquals(0, discarded.waitFor());

        SpawnedProcess drained = probe.spawn(SpawnRequest.builder("p", "echo", "y").build());
        assertEquals("y\n", new String(drained.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        IllegalArgumentException readToEnd = assertThrows(IllegalArgumentException.class, () -> probe.spawn(
                SpawnRequest.builder("p", "cat", "0").stdin(Stdio.stdoutOf(drained)).build()));
        assertTrue(readToEnd.getMessage().contains("read to its end"), readToEnd.getMessage());
        assertEquals(0, drained.waitFor());
    }

    @Test
    void workingDirectoryThroughFchdir() throws Exception {
        Path sub = Files.createDirectory(dir.resolve("wörk dir"));
        assertEquals(sub.toRealPath() + "\n", probe(SpawnRequest.builder("p", "cwd").directory(sub)).out());
    }

    @Test
    void sigmaskAction() throws Exception {
        assertEquals("0x0000000000000000\n", probe("p", "sigmask").out());
        Result masked = probe(SpawnRequest.builder("p", "sigmask").action(SpawnAction.sigmask(SIGUSR1)));
        assertEquals(String.format("0x%016x%n", 1L << (SIGUSR1 - 1)), masked.out());
    }

    @Test
    void sigdefaultActionResetsAnIgnoredSignal() throws Exception {
        TestSupport.LibC.INSTANCE.signal(SIGRT_TEST, TestSupport.SIG_IGN);
        try {
            assertTrue(probe("p", "sigdisp").out().matches("ign=(.*,)?" + SIGRT_TEST + "(,.*)? caught=.*\n"),
                    "precondition: an ignored signal stays ignored across exec");
            String reset = probe(SpawnRequest.builder("p", "sigdisp").action(SpawnAction.sigdefault(SIGRT_TEST))).out();
            assertFalse(reset.matches("ign=(.*,)?" + SIGRT_TEST + "(,.*)? caught=.*\n"), reset);
        } finally {
            TestSupport.LibC.INSTANCE.signal(SIGRT_TEST, null);
        }
    }

    @Test
    void noCaughtSignalReachesTheChild() throws Exception {
        assertTrue(probe("p", "sigdisp").out().endsWith(" caught=\n"));
    }

    @Test
    void pidfdWaitExitValueAndOnExit() throws Exception {
        SpawnedProcess process = probe.spawn(SpawnRequest.builder("p", "exit", "7").stdout(Stdio.discard()).build());
        assertEquals(7, process.onExit().get(10, TimeUnit.SECONDS).exitValue());
        assertEquals(7, process.waitFor());
        assertFalse(process.isAlive());
        assertTrue(process.pid() > 0);
    }

    @Test
    void destroyAndDestroyForciblyReport128PlusSignal() throws Exception {
        SpawnedProcess term = probe.spawn(SpawnRequest.builder("p", "sleep", "60000").build());
        assertTrue(term.isAlive());
        assertFalse(term.waitFor(50, TimeUnit.MILLISECONDS));
        assertThrows(IllegalThreadStateException.class, term::exitValue);
        term.destroy();
        assertEquals(128 + 15, term.waitFor());
        SpawnedProcess kill = probe.spawn(SpawnRequest.builder("p", "sleep", "60000").build());
        kill.destroyForcibly();
        assertEquals(128 + 9, kill.waitFor());
        kill.destroy();
    }

    @Test
    void explicitEnvironmentReplacesTheCallers() throws Exception {
        Result env = probe(SpawnRequest.builder("p", "env").environment(Map.of("ONLY", "ünïcode")));
        assertEquals("ONLY=ünïcode\n", env.out());
        Result inherited = probe("p", "env");
        assertTrue(Arrays.asList(inherited.out().split("\n")).contains("PATH=" + System.getenv("PATH")));
    }

    @Test
    void aMissingRedirectFileNamesTheFileAndErrno() {
        Path missing = dir.resolve("no/such/in");
        dev.spawn.SpawnException e = assertThrows(dev.spawn.SpawnException.class,
                () -> probe.spawn(SpawnRequest.builder("p").stdin(Stdio.readFrom(missing)).build()));
        assertEquals("ENOENT", e.errnoName());
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
        assertTrue(e.getCause() instanceof java.nio.file.NoSuchFileException);
        assertEquals(0, e.redirectTarget());
        assertEquals(missing.toString(), e.subject());
    }

    @Test
    void aRedirectFileThatCannotBeOpenedNamesItsStream() throws Exception {
        Path readable = dir.resolve("in.txt");
        Files.writeString(readable, "x");
        Path missing = dir.resolve("no/such/out");
        dev.spawn.SpawnException stdout = assertThrows(dev.spawn.SpawnException.class,
                () -> probe.spawn(SpawnRequest.builder("p").stdin(Stdio.readFrom(readable))
                        .stdout(Stdio.writeTo(missing)).build()));
        assertEquals(1, stdout.redirectTarget());
        assertEquals(missing.toString(), stdout.subject());
        dev.spawn.SpawnException stderr = assertThrows(dev.spawn.SpawnException.class,
                () -> probe.spawn(SpawnRequest.builder("p").stdout(Stdio.discard())
                        .stderr(Stdio.appendTo(dir)).build()));
        assertEquals("EISDIR", stderr.errnoName());
        assertEquals(2, stderr.redirectTarget());
        assertEquals(dir.toString(), stderr.subject());
    }

    @Test
    void aMissingWorkingDirectoryNamesTheDirectoryAndErrno() {
        Path missing = dir.resolve("gone");
        dev.spawn.SpawnException e = assertThrows(dev.spawn.SpawnException.class,
                () -> probe.spawn(SpawnRequest.builder("p").directory(missing).build()));
        assertEquals("ENOENT", e.errnoName());
        assertEquals(-1, e.redirectTarget());
        assertTrue(e.getMessage().startsWith("Cannot run program \"" + probePath() + "\" (in directory \"" + missing + "\")"),
                e.getMessage());
    }

    @Test
    void manyChildrenAtOnceEachGetTheirOwnOutput() throws Exception {
        List<SpawnedProcess> children = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            children.add(probe.spawn(SpawnRequest.builder("p", "echo", "child-" + i).build()));
        }
        for (int i = 0; i < children.size(); i++) {
            SpawnedProcess child = children.get(i);
            assertEquals("child-" + i + "\n", new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            assertEquals(0, child.waitFor());
            child.getErrorStream().close();
            child.getOutputStream().close();
        }
    }
}
