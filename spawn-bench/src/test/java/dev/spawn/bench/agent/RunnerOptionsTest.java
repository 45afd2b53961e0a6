package dev.spawn.bench.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunnerOptionsTest {
    private static final List<Engine> DEFAULT = List.of(Engine.PROCESS_BUILDER, Engine.USERSPACE, Engine.C);

    @Test
    void defaultsComeFromThePreset() {
        RunnerOptions options = RunnerOptions.parse(Preset.AGENT_TOOLS_LIGHT, List.of(), DEFAULT);
        assertEquals(Preset.AGENT_TOOLS_LIGHT.defaultCalls(), options.calls());
        assertEquals(Split.DEFAULTS, options.splits());
        assertEquals(DEFAULT, options.backends());
        assertEquals(false, options.settleJit(), "a cold run is the default, as the README's command");
        assertFalse(options.backendsChosen(), "the machine's defaults");
        assertEquals(List.of(Engine.PROCESS_BUILDER, Engine.USERSPACE), options.withoutC().backends());
    }

    @Test
    void usageShowsThePresetsOwnDefaults() {
        String usage = RunnerOptions.usage();
        assertTrue(usage.contains("(default: " + Preset.AGENT_TOOLS.defaultCalls() + " for agent-tools, "
                + Preset.AGENT_TOOLS_LIGHT.defaultCalls() + " for agent-tools-light)"), usage);
        assertTrue(usage.contains("(default " + RunnerOptions.parse(Preset.AGENT_TOOLS, List.of(), DEFAULT)
                .warmupCalls() + ")"), usage);
    }

    @Test
    void parsesEveryOption() {
        RunnerOptions options = RunnerOptions.parse(Preset.AGENT_TOOLS, List.of("--calls", "64", "--splits=1x16,2x8",
                "--backends", "userspace,processbuilder", "--out", "/tmp/x", "--tool", "python3=/usr/bin/python3",
                "--keep-workspace", "--seed", "5", "--warmup", "8000", "--settle-jit"), DEFAULT);
        assertEquals(64, options.calls());
        assertEquals(List.of(new Split(1, 16), new Split(2, 8)), options.splits());
        assertEquals(List.of(Engine.PROCESS_BUILDER, Engine.USERSPACE), options.backends(),
                "ProcessBuilder, the reference, runs first");
        assertTrue(options.backendsChosen());
        assertEquals(Path.of("/tmp/x"), options.out());
        assertEquals(Path.of("/usr/bin/python3"), options.toolOverrides().get("python3"));
        assertEquals(5, options.seed());
        assertEquals(8000, options.warmupCalls());
        assertEquals(true, options.keepWorkspace());
        assertEquals(1, options.repeat());
        assertEquals(false, options.keepShims());
        assertEquals(true, options.settleJit());
    }

    @Test
    void parsesTheCBackendsRepeatsAndShims() {
        RunnerOptions options = RunnerOptions.parse(Preset.AGENT_TOOLS_LIGHT, List.of("--backends",
                "c,userspace,c-posix,processbuilder,kernel", "--repeat", "3", "--keep-shims", "--c-driver", "/x/d"),
                DEFAULT);
        assertEquals(List.of(Engine.PROCESS_BUILDER, Engine.C, Engine.USERSPACE, Engine.C_POSIX, Engine.KERNEL),
                options.backends());
        assertEquals(3, options.repeat());
        assertEquals("spawn", options.api());
        assertEquals("toolcall", RunnerOptions.parse(Preset.AGENT_TOOLS, List.of("--api", "toolcall"), DEFAULT).api());
        assertThrows(IllegalArgumentException.class,
                () -> RunnerOptions.parse(Preset.AGENT_TOOLS, List.of("--api", "fork"), DEFAULT));
        assertEquals(true, options.keepShims());
        assertEquals(Path.of("/x/d"), options.cDriver());
        assertEquals(Engine.C, RunnerOptions.parseBackends("c-reference").get(0));
        assertThrows(IllegalArgumentException.class,
                () -> RunnerOptions.parse(Preset.AGENT_TOOLS, List.of("--repeat", "0"), DEFAULT));
    }

    @Test
    void roundsThatAreAMultipleOfTheBackendsRotateTheOrder() {
        List<Engine> all = List.of(Engine.PROCESS_BUILDER, Engine.USERSPACE, Engine.C);
        assertEquals(all, AgentToolsCommand.order(all, 0, 3));
        assertEquals(List.of(Engine.USERSPACE, Engine.C, Engine.PROCESS_BUILDER), AgentToolsCommand.order(all, 1, 3));
        assertEquals(List.of(Engine.C, Engine.PROCESS_BUILDER, Engine.USERSPACE), AgentToolsCommand.order(all, 2, 3));
        assertEquals(all, AgentToolsCommand.order(all, 3, 6));
    }

    @Test
    void anEvenNumberOfRoundsRunsMirroredPairs() {
        List<Engine> four = List.of(Engine.PROCESS_BUILDER, Engine.USERSPACE, Engine.KERNEL, Engine.C);
        assertEquals(four, AgentToolsCommand.order(four, 0, 2));
        assertEquals(List.of(Engine.C, Engine.KERNEL, Engine.USERSPACE, Engine.PROCESS_BUILDER),
                AgentToolsCommand.order(four, 1, 2), "kernel no longer always runs right after userspace");
        assertEquals(List.of(Engine.USERSPACE, Engine.KERNEL, Engine.C, Engine.PROCESS_BUILDER),
                AgentToolsCommand.order(four, 2, 6));
        assertEquals(List.of(Engine.PROCESS_BUILDER, Engine.C, Engine.KERNEL, Engine.USERSPACE),
                AgentToolsCommand.order(four, 3, 6));
        for (Engine backend : four) {
            int places = 0;
            for (int round = 0; round < 6; round++) {
                places += AgentToolsCommand.order(four, round, 6).indexOf(backend);
            }
            assertEquals(9, places, backend + ": a mean place of 1.5 over six rounds");
        }
    }

    @Test
    void saysWhenTheRoundsDoNotBalanceTheOrder() {
        RunnerOptions three = RunnerOptions.parse(Preset.AGENT_TOOLS_LIGHT, List.of("--repeat", "3"), DEFAULT);
        assertTrue(three.orderBalanced());
        assertEquals("", three.orderNote());
        RunnerOptions pair = RunnerOptions.parse(Preset.AGENT_TOOLS_LIGHT,
                List.of("--repeat", "3", "--backends", "userspace,kernel"), DEFAULT);
        assertFalse(pair.orderBalanced(), "of three rounds, one backend runs second twice");
        assertTrue(pair.orderNote().startsWith("3 rounds for 2 backends"), pair.orderNote());
        assertTrue(pair.orderNote().contains("an even --repeat"), pair.orderNote());
        assertTrue(RunnerOptions.parse(Preset.AGENT_TOOLS_LIGHT, List.of("--repeat", "4", "--backends",
                "userspace,kernel"), DEFAULT).orderBalanced());
        assertFalse(RunnerOptions.parse(Preset.AGENT_TOOLS_LIGHT, List.of(), DEFAULT).orderBalanced(),
                "one round of three backends");
    }

    @Test
    void rejectsNonsense() {
        assertThrows(IllegalArgumentException.class,
                () -> RunnerOptions.parse(Preset.AGENT_TOOLS, List.of("--calls", "0"), DEFAULT));
        assertThrows(IllegalArgumentException.class,
                () -> RunnerOptions.parse(Preset.AGENT_TOOLS, List.of("--backends", "fork"), DEFAULT));
        assertThrows(IllegalArgumentException.class,
                () -> RunnerOptions.parse(Preset.AGENT_TOOLS, List.of("--frobnicate"), DEFAULT));
        assertThrows(IllegalArgumentException.class,
                () -> RunnerOptions.parse(Preset.AGENT_TOOLS, List.of("--calls"), DEFAULT));
        assertThrows(IllegalArgumentException.class,
                () -> RunnerOptions.parse(Preset.AGENT_TOOLS, List.of("--settle-jit=no"), DEFAULT));
        assertThrows(IllegalArgumentException.class, () -> RunnerOptions.parse(Preset.AGENT_TOOLS,
                List.of("--settle-jit", "--warmup", "7999"), DEFAULT), "a short warm-up cannot settle the JIT");
    }

    @Test
    void aNumberThatIsNoneNamesItsOption() {
        for (String option : List.of("--seed", "--warmup", "--calls", "--repeat")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> RunnerOptions.parse(Preset.AGENT_TOOLS, List.of(option, "abc"), DEFAULT));
            assertEquals(option + " wants an integer, got abc", e.getMessage());
        }
    }

    @Test
    void helpAfterThePresetPrintsTheUsageAndSucceeds() {
        assertThrows(HelpRequested.class,
                () -> RunnerOptions.parse(Preset.AGENT_TOOLS, List.of("--calls", "5", "--help"), DEFAULT));
        assertThrows(HelpRequested.class, () -> RunnerOptions.parse(Preset.AGENT_TOOLS, List.of("-h"), DEFAULT));
        assertEquals(List.of("-h"), RunnerOptions.parse(Preset.AGENT_TOOLS, List.of("--jvm-arg", "-h"), DEFAULT)
                .jvmArgs(), "a value that looks like -h is still a value");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        int status = new AgentToolsCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(progress, true, StandardCharsets.UTF_8)).run(Preset.AGENT_TOOLS, List.of("--help"));
        assertEquals(0, status, progress.toString(StandardCharsets.UTF_8));
        assertEquals(RunnerOptions.usage() + "\n", out.toString(StandardCharsets.UTF_8));
        assertEquals("", progress.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aToolTheMixDoesNotRunIsRejectedWithTheValidNames() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RunnerOptions.parse(
                Preset.AGENT_TOOLS_LIGHT, List.of("--tool", "python3=/usr/bin/python3"), DEFAULT));
        assertEquals("--tool python3: agent-tools-light runs no command python3; its commands are rg, grep, sed,"
                + " awk, cat, head, tail, find, stat, ls, git, sh, bash", e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> RunnerOptions.parse(Preset.AGENT_TOOLS, List.of("--tool", "ripgrep=/usr/bin/rg"), DEFAULT));
        assertEquals(Path.of("/usr/bin/git"), RunnerOptions.parse(Preset.AGENT_TOOLS_LIGHT,
                List.of("--tool", "git=/usr/bin/git"), DEFAULT).toolOverrides().get("git"));
    }

    @Test
    void aJvmArgThatWouldPrintToTheProtocolsStdoutIsRefused() {
        for (String arg : List.of("-Xlog:gc", "-Xlog", "-Xlog:gc:", "-Xlog:gc*:stdout:uptime", "-Xlog:gc:#0",
                "-verbose:gc", "-verbose", "-XX:-DisplayVMOutputToStderr")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> RunnerOptions.parse(Preset.AGENT_TOOLS, List.of("--jvm-arg", arg), DEFAULT), arg);
            assertTrue(e.getMessage().startsWith("--jvm-arg " + arg + " would print to the worker's stdout, which"
                    + " carries its protocol to the runner: "), e.getMessage());
        }
        assertEquals("--jvm-arg -Xlog:gc would print to the worker's stdout, which carries its protocol to the"
                + " runner: name another output, e.g. -Xlog:gc:stderr (into the worker's log) or"
                + " -Xlog:gc:file=PATH", assertThrows(IllegalArgumentException.class, () -> RunnerOptions.parse(
                        Preset.AGENT_TOOLS, List.of("--jvm-arg", "-Xlog:gc"), DEFAULT)).getMessage());
        List<String> fine = List.of("-Xlog:gc:stderr", "-Xlog:gc*:file=/tmp/gc.log:uptime", "-Xlog:disable",
                "-XX:+PrintCompilation", "-Xlog:async", "-Xlog:all=off", "-Xlog:gc=off,safepoint=off");
        List<String> args = fine.stream().flatMap(arg -> java.util.stream.Stream.of("--jvm-arg", arg)).toList();
        assertEquals(fine, RunnerOptions.parse(Preset.AGENT_TOOLS, args, DEFAULT).jvmArgs());
    }

    @Test
    void aCallCountTheHeapCannotHoldIsRefusedWithTheBound() {
        for (String option : List.of("--calls", "--warmup")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> RunnerOptions.parse(Preset.AGENT_TOOLS, List.of(option, "2000000000"), DEFAULT));
            assertEquals(option + " must be <= 1000000, got 2000000000: the runner keeps every call's outcome in"
                    + " memory", e.getMessage());
        }
        assertEquals(RunnerOptions.MAX_CALLS, RunnerOptions.parse(Preset.AGENT_TOOLS,
                List.of("--calls", "" + RunnerOptions.MAX_CALLS), DEFAULT).calls());
    }

    @Test
    void anOptionIsNotTakenForTheValueOfTheOneBefore() {
        assertEquals("--out needs a value, got the option --keep-workspace (a value that starts so must be given as"
                + " --out=VALUE)", assertThrows(IllegalArgumentException.class, () -> RunnerOptions.parse(
                        Preset.AGENT_TOOLS, List.of("--out", "--keep-workspace"), DEFAULT)).getMessage());
        assertEquals("--calls needs a value, got the option --out (a value that starts so must be given as"
                + " --calls=VALUE)", assertThrows(IllegalArgumentException.class, () -> RunnerOptions.parse(
                        Preset.AGENT_TOOLS, List.of("--calls", "--out", "x"), DEFAULT)).getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> RunnerOptions.parse(Preset.AGENT_TOOLS, List.of("--jvm-arg", "--seed=3"), DEFAULT));
        assertEquals(Path.of("--keep-workspace"), RunnerOptions.parse(Preset.AGENT_TOOLS,
                List.of("--out=--keep-workspace"), DEFAULT).out(), "said so with =");
    }

    @Test
    void anEmptyValueIsRefused() {
        for (List<String> args : List.of(List.of("--out", ""), List.of("--out="), List.of("--c-driver="),
                List.of("--jvm-arg", ""))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> RunnerOptions.parse(Preset.AGENT_TOOLS, args, DEFAULT), args.toString());
            assertTrue(e.getMessage().endsWith(" needs a value, got an empty one"), e.getMessage());
        }
    }

    @Test
    void theUsageNamesTheExitCodesAJvmEndedByASignalGives() {
        String usage = RunnerOptions.usage();
        // 128 + the signal: what the JVM's own shutdown exits with, whatever the run returns
        assertTrue(usage.contains((128 + 2) + " interrupted (Ctrl-C), " + (128 + 15) + " stopped by SIGTERM"), usage);
        assertTrue(usage.contains("1 a mismatch, 2 an error or an incomplete run"), usage);
    }
}
