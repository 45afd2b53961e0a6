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

    /** A run at {@code callsPerSecond}. */
    private static BenchReport.Row rate(Engine engine, int round, double callsPerSecond) {
        return run(engine, round, CALLS.size() / callsPerSecond);
    }

    private static BenchReport report(List<BenchReport.Row> rows, int rounds) {
        RunnerOptions options = new RunnerOptions(Preset.AGENT_TOOLS_LIGHT, CALLS.size(), List.of(SPLIT),
                List.of(Engine.PROCESS_BUILDER, Engine.USERSPACE, Engine.C), Path.of("out"), 1, 0, Map.of(),
                List.of(), false, rounds, null, false, "spawn", false, true);
        return new BenchReport(options, new HostInfo("jdk", "cpu", 2, false, "linux", "now"), List.of(), List.of(),
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
        Spread vsPb = report.roundRatios(SPLIT, Engine.USERSPACE, Engine.PROCESS_BUILDER).orElseThrow();
        assertEquals(2.0, vsPb.median(), 1e-9, "rounds 1 and 2: 20/10, 16/8");
        assertEquals(1.0, vsPb.min(), 1e-9, "round 3: 20 / 20");
        assertEquals(2.0, vsPb.max(), 1e-9);
        assertEquals(100.0, report.deltaVsProcessBuilder(SPLIT, Engine.USERSPACE).orElseThrow(), 1e-9);
        Spread vsC = report.roundRatios(SPLIT, Engine.USERSPACE, report.cReference().orElseThrow()).orElseThrow();
        assertEquals(0.8, vsC.median(), 1e-9, "per round 20/25, 16/20, 20/20");
        assertEquals(0.8, vsC.min(), 1e-9);
        assertEquals(1.0, vsC.max(), 1e-9);
        assertEquals(1.0, report.ratioOfMedians(SPLIT, Engine.USERSPACE, Engine.C).orElseThrow(), 1e-9, "20 / 20");

        String text = TextReport.render(report);
        assertTrue(text.contains("median [min-max] of 3 rounds"), text);
        assertTrue(text.contains("warm-up 2 calls per worker (--warmup 0, raised to one call per tool)"),
                "CallMix.warmup runs each of the two tools once: " + text);
        assertTrue(text.contains("10.0 [8.0-20.0]"), "small rates get a decimal: " + text);
        assertTrue(text.contains("userspace / c"), text);
        assertTrue(text.contains("0.80 [0.80-1.00]"), text);
        assertTrue(text.contains("median of per-round ratios"), text);
        assertTrue(text.lines().anyMatch(line -> line.startsWith("1x16") && line.contains("+100.0%") && line.contains(
                "0.50") && line.contains("1.00") && !line.contains("[")), "the ratios of medians, apart: " + text);
        assertTrue(text.contains("stderr length matched the reference run (processbuilder, round 1)"), text);
        assertFalse(text.contains("Note:"), "three rounds of three backends are balanced: " + text);
        String csv = CsvReport.render(report);
        assertTrue(csv.lines().findFirst().orElseThrow().contains(",ratio_vs_processbuilder_per_round_median,"
                + "ratio_vs_processbuilder_per_round_min,ratio_vs_processbuilder_per_round_max,"
                + "ratio_vs_processbuilder_of_medians,c_reference,ratio_vs_c_per_round_median,ratio_vs_c_per_round_min,"
                + "ratio_vs_c_per_round_max,ratio_vs_c_of_medians,mismatches"), csv);
        assertTrue(csv.contains("agent-tools-light,1x16,1,16,userspace,3,2,20.00,16.00,20.00,2.0000,1.0000,2.0000,"
                + "2.0000,c,0.8000,0.8000,1.0000,1.0000,0"), csv);
        assertEquals(10, CsvReport.runs(report).lines().count(), "a header and nine runs");
        String json = JsonReport.render(report);
        assertTrue(json.contains("\"warmupCallsPerWorker\": 2,"), json);
        assertTrue(json.contains("\"callsPerSecond\": {\"median\": 10.0000, \"min\": 8.0000, \"max\": 20.0000, "
                + "\"rounds\": 3}"), json);
        assertTrue(json.contains("\"ratioVsC\": {\"medianOfRoundRatios\": 0.8000, \"minOfRoundRatios\": 0.8000, "
                + "\"maxOfRoundRatios\": 1.0000, \"rounds\": 3, \"ratioOfMedians\": 1.0000}"), json);
        String svg = SvgChart.render(report);
        assertTrue(svg.contains("median of 3 rounds"), svg);
        assertTrue(svg.contains("<path d=\"M"), "whiskers");
        assertEquals(10.0, report.workerCpuMillisPerCall(SPLIT, Engine.PROCESS_BUILDER).orElseThrow().median(), 1e-9,
                "0.1 of 0.2 s over 2 calls");
        assertTrue(text.contains("worker CPU ms per call"), text);
    }

    @Test
    void anOddNumberOfRoundsTakesTheMiddlePerRoundRatio() {
        // per round 30/10, 24/20, 15/15; the cells' medians 24 and 15
        BenchReport report = report(List.of(
                rate(Engine.PROCESS_BUILDER, 0, 10), rate(Engine.USERSPACE, 0, 30),
                rate(Engine.PROCESS_BUILDER, 1, 20), rate(Engine.USERSPACE, 1, 24),
                rate(Engine.PROCESS_BUILDER, 2, 15), rate(Engine.USERSPACE, 2, 15)), 3);
        assertSpread(new Spread(1.2, 1.0, 3.0, 3), report.roundRatios(SPLIT, Engine.USERSPACE,
                Engine.PROCESS_BUILDER).orElseThrow());
        assertEquals(1.6, report.ratioOfMedians(SPLIT, Engine.USERSPACE, Engine.PROCESS_BUILDER).orElseThrow(), 1e-6);
        assertEquals(20.0, report.deltaVsProcessBuilder(SPLIT, Engine.USERSPACE).orElseThrow(), 1e-6);
    }

    @Test
    void anEvenNumberOfRoundsAveragesTheTwoMiddlePerRoundRatios() {
        // per round 2.0, 1.1, 1.2, 2.0; the cells' medians 21 and 15
        BenchReport report = report(List.of(
                rate(Engine.PROCESS_BUILDER, 0, 10), rate(Engine.USERSPACE, 0, 20),
                rate(Engine.PROCESS_BUILDER, 1, 20), rate(Engine.USERSPACE, 1, 22),
                rate(Engine.PROCESS_BUILDER, 2, 10), rate(Engine.USERSPACE, 2, 12),
                rate(Engine.PROCESS_BUILDER, 3, 20), rate(Engine.USERSPACE, 3, 40)), 4);
        assertSpread(new Spread(1.6, 1.1, 2.0, 4), report.roundRatios(SPLIT, Engine.USERSPACE,
                Engine.PROCESS_BUILDER).orElseThrow());
        assertEquals(1.4, report.ratioOfMedians(SPLIT, Engine.USERSPACE, Engine.PROCESS_BUILDER).orElseThrow(), 1e-6);
    }

    @Test
    void kernelAgainstUserspaceIsShownRoundByRoundWhenBothRan() {
        RunnerOptions options = new RunnerOptions(Preset.AGENT_TOOLS_LIGHT, CALLS.size(), List.of(SPLIT),
                List.of(Engine.USERSPACE, Engine.KERNEL), Path.of("out"), 1, 0, Map.of(), List.of(), false, 2, null,
                false, "spawn", false, true);
        // per round 12/10 and 9/10
        BenchReport report = new BenchReport(options, new HostInfo("jdk", "cpu", 2, false, "linux", "now"), List.of(),
                List.of(), List.of(Tool.CAT, Tool.LS), CALLS, List.of(
                        rate(Engine.USERSPACE, 0, 10), rate(Engine.KERNEL, 0, 12),
                        rate(Engine.KERNEL, 1, 9), rate(Engine.USERSPACE, 1, 10)));
        String text = TextReport.ratios(report);
        assertTrue(text.contains("kernel / userspace"), text);
        assertTrue(text.contains("1.05 [0.90-1.20]"), text);
    }

    @Test
    void anIncompleteReportSaysOnlyTheRunsThatFinishedMatched() {
        BenchReport complete = report(List.of(rate(Engine.PROCESS_BUILDER, 0, 10), rate(Engine.USERSPACE, 0, 10),
                rate(Engine.C, 0, 10)), 1);
        assertEquals("Every call's exit code, stdout digest and stderr length matched the reference run"
                + " (processbuilder, round 1).\n", TextReport.matched(complete));
        BenchReport incomplete = new BenchReport(complete.options(), complete.host(), List.of(), List.of(),
                List.of(Tool.CAT, Tool.LS), CALLS, List.of(rate(Engine.PROCESS_BUILDER, 0, 10)), "c failed");
        String text = TextReport.render(incomplete);
        assertTrue(text.endsWith("In the runs that finished (1 of 3), every call's exit code, stdout digest and"
                + " stderr length matched the reference run (processbuilder, round 1); the runs after the failure"
                + " were not made, so not checked.\n"), text);
    }

    @Test
    void withoutProcessBuilderTheCheckSaysWhatItCheckedAgainst() {
        RunnerOptions options = new RunnerOptions(Preset.AGENT_TOOLS_LIGHT, CALLS.size(), List.of(SPLIT),
                List.of(Engine.USERSPACE), Path.of("out"), 1, 0, Map.of(), List.of(), false, 1, null, false, "spawn",
                false, true);
        BenchReport report = new BenchReport(options, new HostInfo("jdk", "cpu", 2, false, "linux", "now"), List.of(),
                List.of(), List.of(Tool.CAT, Tool.LS), CALLS, List.of(rate(Engine.USERSPACE, 0, 10)));
        assertTrue(TextReport.render(report).endsWith("matched the reference run (userspace, round 1). No"
                + " ProcessBuilder run was made to check against (processbuilder was not in --backends): this shows"
                + " only that the runs agree with userspace's first run, not that they give what the JDK's"
                + " ProcessBuilder gives.\n"), TextReport.render(report));
    }

    @Test
    void aRatioColumnIsAsWideAsItsLongestLabel() {
        RunnerOptions options = new RunnerOptions(Preset.AGENT_TOOLS_LIGHT, CALLS.size(), List.of(SPLIT),
                List.of(Engine.PROCESS_BUILDER, Engine.USERSPACE, Engine.C_POSIX), Path.of("out"), 1, 0, Map.of(),
                List.of(), false, 1, null, false, "spawn", false, true);
        BenchReport report = new BenchReport(options, new HostInfo("jdk", "cpu", 2, false, "linux", "now"), List.of(),
                List.of(), List.of(Tool.CAT, Tool.LS), CALLS, List.of(rate(Engine.PROCESS_BUILDER, 0, 10),
                        rate(Engine.USERSPACE, 0, 12), rate(Engine.C_POSIX, 0, 20)));
        List<String> lines = TextReport.ratios(report).lines().toList();
        String header = lines.get(1);
        assertTrue(header.contains("processbuilder / c-posix  userspace / c-posix"), header);
        assertEquals(header.indexOf("userspace / c-posix"), lines.get(2).indexOf("0.60"), "the cells line up with"
                + " their labels:\n" + String.join("\n", lines));
    }

    @Test
    void theRangeHoldsOnlyPerRoundRatiosNotTheRatioOfMedians() {
        // userspace's last two runs have no ProcessBuilder run in their rounds: in its cell's median, in no ratio
        BenchReport report = report(List.of(
                rate(Engine.PROCESS_BUILDER, 0, 10), rate(Engine.USERSPACE, 0, 10),
                rate(Engine.PROCESS_BUILDER, 1, 10), rate(Engine.USERSPACE, 1, 10),
                rate(Engine.USERSPACE, 2, 100), rate(Engine.USERSPACE, 3, 100)), 4);
        assertSpread(new Spread(1.0, 1.0, 1.0, 2), report.roundRatios(SPLIT, Engine.USERSPACE,
                Engine.PROCESS_BUILDER).orElseThrow());
        assertEquals(5.5, report.ratioOfMedians(SPLIT, Engine.USERSPACE, Engine.PROCESS_BUILDER).orElseThrow(), 1e-6);
        assertTrue(report.roundRatios(SPLIT, Engine.C, Engine.PROCESS_BUILDER).isEmpty(), "c did not run");
    }

    /** Equal up to the nanoseconds a run's time is kept in. */
    private static void assertSpread(Spread expected, Spread actual) {
        assertEquals(expected.median(), actual.median(), 1e-6, "median of " + actual);
        assertEquals(expected.min(), actual.min(), 1e-6, "min of " + actual);
        assertEquals(expected.max(), actual.max(), 1e-6, "max of " + actual);
        assertEquals(expected.count(), actual.count(), "rounds of " + actual);
    }

    @Test
    void everyRunShowsItsJitTimeAndTheCDriverNone() {
        BenchReport report = report(List.of(run(Engine.PROCESS_BUILDER, 0, 0.2), run(Engine.C, 0, 0.1)), 1);
        List<String> runs = CsvReport.runs(report).lines().toList();
        assertTrue(runs.get(0).endsWith(",worker_cpu_ms_per_call,worker_jit_s,mismatches,complete"), runs.get(0));
        assertTrue(runs.get(1).endsWith(",10.0000,0.002,0,true"), "0.01 of 0.2 s: " + runs.get(1));
        assertTrue(runs.get(2).endsWith(",5.0000,,0,true"), "the C driver has no JIT: " + runs.get(2));
        String json = JsonReport.render(report);
        assertTrue(json.contains("\"workerJitSeconds\": 0.002,"), json);
        assertTrue(json.contains("\"workerJitSeconds\": null,"), json);
        String detail = TextReport.detail(report);
        assertTrue(detail.lines().anyMatch(line -> line.contains("processbuilder") && line.contains(" 0.00  ok")), detail);
        assertTrue(detail.lines().anyMatch(line -> line.contains(" c ") && line.contains(" -  ok")), detail);
    }

    @Test
    void everyCsvRowOfARunThatStoppedPartwaySaysSo() {
        BenchReport complete = report(List.of(run(Engine.PROCESS_BUILDER, 0, 0.2), run(Engine.USERSPACE, 0, 0.1)), 1);
        BenchReport incomplete = new BenchReport(complete.options(), complete.host(), complete.tools(),
                complete.missing(), complete.mix(), complete.calls(), complete.rows(), "[3/3] round 1 1x16 c failed");
        assertCsvRowsEndWith(complete, ",true");
        assertCsvRowsEndWith(incomplete, ",false");
    }

    /** Both CSVs of {@code report} have a last column {@code complete} and every row {@code ending} in it. */
    private static void assertCsvRowsEndWith(BenchReport report, String ending) {
        for (String csv : List.of(CsvReport.render(report), CsvReport.runs(report))) {
            List<String> lines = csv.lines().toList();
            assertTrue(lines.get(0).endsWith(",mismatches,complete"), csv);
            assertEquals(3, lines.size(), "a header and two rows: " + csv);
            assertTrue(lines.stream().skip(1).allMatch(line -> line.endsWith(ending)), csv);
        }
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
        String text = TextReport.render(report);
        assertTrue(text.contains("RESULT CHECK FAILED"));
        assertTrue(text.contains("run the same command again with --keep-workspace (seed 1 makes the same fixture"
                + " and calls)"), text);
        assertFalse(TextReport.render(report(rows.subList(0, 2), 1)).contains("--keep-workspace"), "all matched");
        String svg = SvgChart.render(report);
        assertEquals(1, svg.split(">FAIL<", -1).length - 1, "userspace's bar only: " + svg);
        assertTrue(svg.contains("fill=\"url(#fail-hatch)\""), svg);
        assertTrue(svg.contains("userspace: 20.0 [20.0-20.0] calls/s, FAILED the result check"), svg);
        assertFalse(SvgChart.render(report(rows.subList(0, 2), 1)).contains("FAIL"), "all matched");
    }
}
