package dev.spawn.bench.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class BrokenToolsTest {
    private static final List<CallSpec> CALLS = List.of(new CallSpec(0, Tool.PYTHON, List.of("-c", "1")),
            new CallSpec(1, Tool.CAT, List.of("a")), new CallSpec(2, Tool.PYTHON, List.of("-c", "2")),
            new CallSpec(3, Tool.CAT, List.of("b")), new CallSpec(4, Tool.LS, List.of("src")));

    private static CallOutcome exit(int index, int code) {
        return new CallOutcome(index, code, "aa", 0, 10, 10, null);
    }

    @Test
    void aToolIsBrokenWhenEveryOneOfItsReferenceCallsExitedNonZero() {
        List<CallOutcome> reference = List.of(exit(0, 127), exit(1, 127), exit(2, 126), exit(3, 0), exit(4, 2));
        List<BrokenTools.Broken> broken = BrokenTools.in(CALLS, reference);
        assertEquals(List.of(Tool.LS, Tool.PYTHON), broken.stream().map(BrokenTools.Broken::tool).toList(),
                "cat once 127 and once 0 is not");
        assertFalse(broken.get(0).cannotStart(), "ls exited 2: it ran, and failed");
        assertTrue(broken.get(1).cannotStart());
    }

    @Test
    void aToolThatRunsButFailsEveryCallIsWarnedAboutWithItsExitCodes() {
        List<CallOutcome> reference = List.of(exit(0, 0), exit(1, 3), exit(2, 0), exit(3, 1), exit(4, 0));
        List<BrokenTools.Broken> broken = BrokenTools.in(CALLS, reference);
        assertEquals(1, broken.size(), broken.toString());
        assertEquals("warning: every cat call exited non-zero (exit codes 1, 3) in the reference run: the backends"
                + " agree with it, but its timings measure failing calls; check that cat works here, or pass --tool"
                + " cat=/path/to/a/working/binary", broken.get(0).warning());
    }

    @Test
    void aCallTheLibraryCouldNotRunIsNotTheToolsFailure() {
        List<CallOutcome> reference = List.of(exit(0, 0), CallOutcome.failed(1, 10, new IllegalStateException("x")),
                exit(2, 0), exit(3, 3), exit(4, 0));
        assertEquals(List.of(), BrokenTools.in(CALLS, reference));
    }

    @Test
    void theTextReportWarnsOnceForEachBrokenTool() {
        List<CallOutcome> outcomes = List.of(exit(0, 127), exit(1, 0), exit(2, 127), exit(3, 0), exit(4, 0));
        RunResult run = new RunResult(Engine.PROCESS_BUILDER, new Split(1, 1), 0, 1_000_000, outcomes, List.of(), -1,
                -1);
        RunnerOptions options = RunnerOptions.parse(Preset.AGENT_TOOLS, List.of("--backends", "processbuilder"),
                List.of());
        BenchReport report = new BenchReport(options, new HostInfo("jdk", "cpu", 2, false, "linux", "now"),
                List.of(new ResolvedTool("python3", Path.of("/shims/python3"), Path.of("/shims/python3"),
                        "#!/usr/bin/env bash", null)), List.of(), List.of(Tool.PYTHON, Tool.CAT, Tool.LS), CALLS,
                List.of(new BenchReport.Row(run, List.of())));
        String text = TextReport.render(report);
        assertEquals(1, text.split("warning: ", -1).length - 1, text);
        assertTrue(text.contains("warning: every python call exited 126 or 127 in the reference run: python3 cannot"
                + " run here"), text);
    }
}
