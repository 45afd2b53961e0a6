package dev.spawn.bench.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
    void aToolIsBrokenWhenEveryOneOfItsReferenceCallsExited126Or127() {
        List<CallOutcome> reference = List.of(exit(0, 127), exit(1, 127), exit(2, 126), exit(3, 0), exit(4, 2));
        assertEquals(List.of(Tool.PYTHON), BrokenTools.in(CALLS, reference), "cat once 127 and once 0 is not");
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
