package dev.spawn.bench.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner's command as a user meets it: its exit code and what it says on stderr. */
class AgentToolsCommandTest {
    private final ByteArrayOutputStream text = new ByteArrayOutputStream();
    private final PrintStream progress = new PrintStream(text, true, StandardCharsets.UTF_8);

    private int run(Path dir, String... args) throws Exception {
        Path temp = Files.createDirectories(dir.resolve("tmp"));
        List<String> all = new ArrayList<>(List.of("--backends", "processbuilder", "--splits", "1x1", "--calls", "1"));
        all.addAll(List.of(args));
        return new AgentToolsCommand(progress, progress, temp).run(Preset.AGENT_TOOLS_LIGHT, all);
    }

    private String said() {
        return text.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aToolPathThatIsNoExecutableIsOneLine(@TempDir Path dir) throws Exception {
        assertEquals(2, run(dir, "--tool", "git=/nonexistent/git", "--out", dir.resolve("out").toString()));
        assertTrue(said().endsWith("agent-tools-light: --tool git=/nonexistent/git is not an executable file\n"),
                said());
        assertFalse(said().contains("\tat "), "no stack trace: " + said());
    }

    @Test
    void aResultsFolderThatIsAFileIsOneLine(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("out"), "a file");
        assertEquals(2, run(dir, "--out", file.toString()));
        assertTrue(said().endsWith("agent-tools-light: cannot create results folder " + file
                + ": a file of that name is in the way\n"), said());
        assertFalse(said().contains("\tat "), "no stack trace: " + said());
    }

    @Test
    void aResultsFolderUnderAFileIsOneLineWithTheReason(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("out"), "a file");
        assertEquals(2, run(dir, "--out", file.resolve("sub").toString()));
        assertTrue(said().endsWith("agent-tools-light: cannot create results folder " + file.resolve("sub")
                + ": Not a directory\n"), said());
    }

    @Test
    void anAskedForCDriverThatCannotRunStopsTheRunBeforeTheFixture(@TempDir Path dir) throws Exception {
        Path broken = FixtureTest.script(dir.resolve("agent-driver"), "#!/bin/sh\nexit 127\n");
        Path temp = Files.createDirectories(dir.resolve("tmp"));
        int status = new AgentToolsCommand(progress, progress, temp).run(Preset.AGENT_TOOLS_LIGHT, List.of(
                "--backends", "processbuilder,c", "--c-driver", broken.toString(), "--splits", "1x1", "--calls", "1",
                "--out", dir.resolve("out").toString()));
        assertEquals(2, status, said());
        assertTrue(said().endsWith("agent-tools-light: the C reference driver " + broken
                + " cannot run (exit code 127)\n"), said());
        assertFalse(said().contains("building the fixture"), said());
    }

    @Test
    void aDefaultCDriverThatCannotRunIsLeftOutWithANote(@TempDir Path dir) throws Exception {
        Path broken = FixtureTest.script(dir.resolve("agent-driver"), "#!/bin/sh\nexit 127\n");
        Path temp = Files.createDirectories(dir.resolve("tmp"));
        int status = new AgentToolsCommand(progress, progress, temp).run(Preset.AGENT_TOOLS_LIGHT, List.of(
                "--c-driver", broken.toString(), "--splits", "1x1", "--calls", "4", "--warmup", "0",
                "--out", dir.resolve("out").toString()));
        assertEquals(0, status, said());
        assertTrue(said().contains("agent-tools-light: note: leaving c out of the backends: the C reference driver "
                + broken + " cannot run (exit code 127)\n"), said());
        assertFalse(Files.readString(dir.resolve("out/agent-tools-light.csv")).contains(",c,"), "c did not run");
    }

    @Test
    void aRunStoppedBeforeItsWorkersLeavesTheEarlierRunsReportsAndLogs(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        Path report = Files.writeString(Files.createDirectories(out).resolve("agent-tools-light.txt"), "earlier");
        Path log = Files.createDirectories(out.resolve("logs/agent-tools-light")).resolve("r1-1x1-c-w0.log");
        Files.writeString(log, "earlier");
        Path temp = Files.createDirectories(dir.resolve("tmp"));
        int status = new AgentToolsCommand(progress, progress, temp).run(Preset.AGENT_TOOLS_LIGHT, List.of(
                "--backends", "processbuilder,c", "--c-driver", "/bin/true", "--splits", "1x1", "--calls", "4",
                "--out", out.toString()));

        assertEquals(2, status, said());
        assertTrue(said().contains("/bin/true is not the C reference driver"), said());
        assertEquals("earlier", Files.readString(report));
        assertEquals("earlier", Files.readString(log));
    }

    @Test
    void aFailedRunKeepsTheReportsOfTheRunsBeforeItMarkedIncomplete(@TempDir Path dir) throws Exception {
        // passes the driver check, then fails as a worker
        Path failing = FixtureTest.script(dir.resolve("agent-driver"), "#!/bin/sh\n"
                + "if [ \"$1\" = --check ]; then echo 'agent-driver: stand-in'; exit 0; fi\n"
                + "echo '@@ FAIL boom'; exit 2\n");
        Path out = dir.resolve("out");
        Path temp = Files.createDirectories(dir.resolve("tmp"));
        int status = new AgentToolsCommand(progress, progress, temp).run(Preset.AGENT_TOOLS_LIGHT, List.of(
                "--backends", "processbuilder,c", "--c-driver", failing.toString(), "--splits", "1x1", "--calls", "4",
                "--warmup", "0", "--out", out.toString()));

        assertEquals(2, status, said());
        String failure = "[2/2] round 1 1x1 c failed: worker r1-1x1-c-w0 failed: boom (see "
                + out.resolve("logs/agent-tools-light/r1-1x1-c-w0.log") + ")";
        assertTrue(said().contains("agent-tools-light: " + failure + "; wrote the reports of the runs before it (1),"
                + " marked INCOMPLETE: "), said());
        assertFalse(said().contains("\tat "), "no stack trace: " + said());
        String text = Files.readString(out.resolve("agent-tools-light.txt"));
        assertTrue(text.contains("INCOMPLETE: " + failure + "; this report holds only the runs that finished"
                + " before it (1 of 2)."), text);
        assertTrue(text.contains("processbuilder"), text);
        String json = Files.readString(out.resolve("agent-tools-light.json"));
        assertTrue(json.contains("\"complete\": false,"), json);
        assertTrue(Files.readString(out.resolve("agent-tools-light.svg")).contains("INCOMPLETE"));
        for (String csv : List.of("agent-tools-light.csv", "agent-tools-light-runs.csv")) {
            List<String> lines = Files.readAllLines(out.resolve(csv));
            assertEquals(2, lines.size(), csv + ": a header and processbuilder's row: " + lines);
            assertTrue(lines.get(0).endsWith(",complete") && lines.get(1).endsWith(",false"), csv + ": " + lines);
            assertTrue(lines.get(1).contains("processbuilder"), csv + ": " + lines);
        }
    }

    @Test
    void aToolThatCannotRunIsWarnedAboutOnceAfterTheReferenceRun(@TempDir Path dir) throws Exception {
        Path brokenSed = FixtureTest.script(dir.resolve("sed"), "#!/bin/sh\necho 'sed: not here' >&2\nexit 127\n");
        assertEquals(0, run(dir, "--tool", "sed=" + brokenSed, "--calls", "40", "--warmup", "0", "--out",
                dir.resolve("out").toString()), said());
        assertEquals(1, said().split("agent-tools-light: warning: every sed call exited 126 or 127", -1).length - 1,
                said());
    }

    @Test
    void cKernelWithoutTheKernelsSyscallsStopsTheRunBeforeAnyWork(@TempDir Path dir) throws Exception {
        assumeFalse(AgentToolsCommand.availableBackends().contains(Engine.KERNEL), "this machine has the RFC kernel");
        Path temp = Files.createDirectories(dir.resolve("tmp"));
        int status = new AgentToolsCommand(progress, progress, temp).run(Preset.AGENT_TOOLS_LIGHT, List.of(
                "--backends", "processbuilder,userspace,c-kernel", "--splits", "1x1", "--calls", "1",
                "--out", dir.resolve("out").toString()));
        assertEquals(2, status, said());
        assertTrue(said().startsWith("agent-tools-light: backend c-kernel runs the C driver on the RFC kernel's"
                + " spawn_template_spawn, and spawn backend KERNEL_TEMPLATE is unavailable: "), said());
        assertEquals(1, said().split("\n").length, "one line, before any run: " + said());
        try (var left = Files.list(temp)) {
            assertEquals(List.of(), left.toList(), "no fixture was built");
        }
    }

    @Test
    void aToolThatFailsEveryCallIsWarnedAboutOnStderrAndInTheReport(@TempDir Path dir) throws Exception {
        Path failingCat = FixtureTest.script(dir.resolve("cat"), "#!/bin/sh\nexit 3\n");
        Path out = dir.resolve("out");
        assertEquals(0, run(dir, "--tool", "cat=" + failingCat, "--calls", "200", "--warmup", "0", "--out",
                out.toString()), said());
        String warning = "warning: every cat call exited non-zero (exit code 3) in the reference run";
        assertEquals(1, said().split(java.util.regex.Pattern.quote("agent-tools-light: " + warning), -1).length - 1,
                said());
        assertTrue(Files.readString(out.resolve("agent-tools-light.txt")).contains(warning));
    }

    @Test
    void aCDriverNoBackendUsesIsWarnedAbout(@TempDir Path dir) throws Exception {
        assertEquals(0, run(dir, "--c-driver", "/bin/true", "--calls", "4", "--warmup", "0", "--out",
                dir.resolve("out").toString()), said());
        assertTrue(said().contains("agent-tools-light: warning: --c-driver /bin/true is not used: no C backend"
                + " (c, c-kernel, c-posix) is in --backends\n"), said());
    }
}
