package dev.spawn.bench.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchReportTest {
    private static final Split SPLIT = new Split(1, 16);
    private static final List<CallSpec> CALLS = List.of(new CallSpec(0, Tool.CAT, List.of("a")),
            new CallSpec(1, Tool.LS, List.of("src")));

    /** A run of {@code calls.size()} calls taking {@code seconds}. */
    private static BenchReport.Row run(Engine engine, int round, double seconds) {
        List<CallOutcome> outcomes = new ArrayList<>();
        for (CallSpec call : CALLS) {
            outcomes.add(new CallOutcome(call.index(), 0, "aa", 1, 0, 10, null));
        }
        return new BenchReport.Row(new RunResult(engine, SPLIT, round, (long) (seconds * 1e9), outcomes, List.of(),
                (long) (seconds * 1e8), engine.isC() ? -1 : (long) (seconds * 1e7)),
                List.of());
    }

    private static BenchReport report(List<BenchReport.Row> rows, int rounds) {
        RunnerOptions options = new RunnerOptions(Preset.AGENT_TOOLS_LIGHT, CALLS.size(), List.of(SPLIT),
                List.of(Engine.PROCESS_BUILDER, Engine.USERSPACE, Engine.C), Path.of("out"), 1, 0, Map.of(),
                List.of(), false, rounds, null, false, "spawn", false);
        return new BenchReport(options, new HostInfo("jdk", "cpu", 2, "linux", "now"), List.of(), List.of(),
                List.of(Tool.CAT, Tool.LS), CALLS, rows);
    }

    @Test
    void spreadIsMedianMinMax() {
        Spread odd = Spread.of(List.of(3.0, 1.0, 2.0));
        assertEquals(new Spread(2, 1, 3, 3), odd);
        assertEquals(2.5, Spread.of(List.of(4.0, 1.0, 2.0, 3.0)).median());
        assertEquals("2.0 [1.0-3.0]", odd.render("%.1f"));
        assertEquals("5", Spread.of(List.of(5.0)).render("%.0f"));
    }

    @Test
    void cellsAreMediansAndRatiosPairRunsOfOneRound() {
        // calls/s = 2 / seconds: pb 10, 8, 20 -> median 10; userspace 20, 16, 20 -> 20; c 25, 20, 20 -> 20
        BenchReport report = report(List.of(
                run(Engine.PROCESS_BUILDER, 0, 0.2), run(Engine.USERSPACE, 0, 0.1), run(Engine.C, 0, 0.08),
                run(Engine.USERSPACE, 1, 0.125), run(Engine.C, 1, 0.1), run(Engine.PROCESS_BUILDER, 1, 0.25),
                run(Engine.C, 2, 0.1), run(Engine.PROCESS_BUILDER, 2, 0.1), run(Engine.USERSPACE, 2, 0.1)), 3);
        Spread pb = report.callsPerSecond(SPLIT, Engine.PROCESS_BUILDER).orElseThrow();
        assertEquals(10, pb.median(), 1e-9);
        assertEquals(8, pb.min(), 1e-9);
        assertEquals(20, pb.max(), 1e-9);
        Spread vsPb = report.ratio(SPLIT, Engine.USERSPACE, Engine.PROCESS_BUILDER).orElseThrow();
        assertEquals(2.0, vsPb.median(), 1e-9, "ratio of the medians");
        assertEquals(1.0, vsPb.min(), 1e-9, "round 3: 20 / 20");
        assertEquals(2.0, vsPb.max(), 1e-9, "rounds 1 and 2: 20/10, 16/8");
        assertEquals(100.0, report.deltaVsProcessBuilder(SPLIT, Engine.USERSPACE).orElseThrow(), 1e-9);
        Spread vsC = report.ratio(SPLIT, Engine.USERSPACE, report.cReference().orElseThrow()).orElseThrow();
        assertEquals(1.0, vsC.median(), 1e-9);
        assertEquals(0.8, vsC.min(), 1e-9);

        String text = TextReport.render(report);
        assertTrue(text.contains("median [min-max] of 3 rounds"), text);
        assertTrue(text.contains("10.0 [8.0-20.0]"), "small rates get a decimal: " + text);
        assertTrue(text.contains("userspace / c"), text);
        assertTrue(text.contains("1.00 [0.80-1.00]"), text);
        assertTrue(text.contains("stderr length matched the reference run (processbuilder, round 1)"), text);
        assertFalse(text.contains("Note:"), "three rounds of three backends are balanced: " + text);
        String csv = CsvReport.render(report);
        assertTrue(csv.contains("agent-tools-light,1x16,1,16,userspace,3,2,20.00,16.00,20.00,2.0000,1.0000,2.0000,c,"
                + "1.0000,0.8000,1.0000,0"), csv);
        assertEquals(10, CsvReport.runs(report).lines().count(), "a header and nine runs");
        String json = JsonReport.render(report);
        assertTrue(json.contains("\"callsPerSecond\": {\"median\": 10.0000, \"min\": 8.0000, \"max\": 20.0000, "
                + "\"rounds\": 3}"), json);
        String svg = SvgChart.render(report);
        assertTrue(svg.contains("median of 3 rounds"), svg);
        assertTrue(svg.contains("<path d=\"M"), "whiskers");
        assertEquals(10.0, report.workerCpuMillisPerCall(SPLIT, Engine.PROCESS_BUILDER).orElseThrow().median(), 1e-9,
                "0.1 of 0.2 s over 2 calls");
        assertTrue(text.contains("worker CPU ms per call"), text);
    }

    @Test
    void everyRunShowsItsJitTimeAndTheCDriverNone() {
        BenchReport report = report(List.of(run(Engine.PROCESS_BUILDER, 0, 0.2), run(Engine.C, 0, 0.1)), 1);
        List<String> runs = CsvReport.runs(report).lines().toList();
        assertTrue(runs.get(0).endsWith(",worker_cpu_ms_per_call,worker_jit_s,mismatches"), runs.get(0));
        assertTrue(runs.get(1).endsWith(",10.0000,0.002,0"), "0.01 of 0.2 s: " + runs.get(1));
        assertTrue(runs.get(2).endsWith(",5.0000,,0"), "the C driver has no JIT: " + runs.get(2));
        String json = JsonReport.render(report);
        assertTrue(json.contains("\"workerJitSeconds\": 0.002,"), json);
        assertTrue(json.contains("\"workerJitSeconds\": null,"), json);
        String detail = TextReport.detail(report);
        assertTrue(detail.lines().anyMatch(line -> line.contains("processbuilder") && line.contains(" 0.00  ok")), detail);
        assertTrue(detail.lines().anyMatch(line -> line.contains(" c ") && line.contains(" -  ok")), detail);
    }

    @Test
    void aMismatchInAnyRoundFailsTheCell() {
        List<BenchReport.Row> rows = new ArrayList<>(List.of(run(Engine.PROCESS_BUILDER, 0, 0.2),
                run(Engine.USERSPACE, 0, 0.1)));
        RunResult bad = run(Engine.USERSPACE, 1, 0.1).result();
        rows.add(new BenchReport.Row(bad, List.of(new Verifier.Mismatch(1, "#1 ls src", "x", "y"))));
        BenchReport report = report(rows, 2);
        assertEquals(false, report.verified(SPLIT, Engine.USERSPACE));
        assertEquals(false, report.verified());
        assertTrue(TextReport.render(report).contains("RESULT CHECK FAILED"));
    }
}
