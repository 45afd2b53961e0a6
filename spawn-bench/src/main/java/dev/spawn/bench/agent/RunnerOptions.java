package dev.spawn.bench.agent;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The agent-tools runner's command line. {@code backendsChosen}: whether {@code --backends} named
 * the backends, rather than their being this machine's defaults.
 */
public record RunnerOptions(Preset preset, int calls, List<Split> splits, List<Engine> backends, Path out,
        long seed, int warmupCalls, Map<String, Path> toolOverrides, List<String> jvmArgs, boolean keepWorkspace,
        int repeat, Path cDriver, boolean keepShims, String api, boolean settleJit, boolean backendsChosen) {

    public static final Path DEFAULT_OUT = Path.of("spawn-bench", "target", "agent-tools");
    public static final long DEFAULT_SEED = 20240501L;
    public static final int DEFAULT_WARMUP = 32;
    /** Calls per batch of {@code --settle-jit}, taken from the front of the warm-up calls. */
    public static final int SETTLE_BATCH = 1024;
    /**
     * The least warm-up {@code --settle-jit} accepts. Compiler threads can idle while a method
     * run once per call is still short of its C2 threshold (with HotSpot's default thresholds
     * 5,000 calls, scaled up while the C2 queue is long; a {@code --jvm-arg} such as
     * {@code -XX:CompileThresholdScaling} moves it): with 2,000 warm-up calls and 3,072 in settle
     * batches, a full-mix worker compiled its whole call path in C2 (2.3 s) in the timed window;
     * with 8,000 none did.
     */
    public static final int SETTLE_MIN_WARMUP = 8000;
    /**
     * The most {@code --calls} or {@code --warmup} accepted. The runner keeps every call's outcome
     * of every run for the check and the reports (some hundred bytes each); two billion exhausted
     * the heap. A million is some minutes per run at the thousands of calls/s a machine makes.
     */
    public static final int MAX_CALLS = 1_000_000;

    private static final Set<String> FLAGS = Set.of("--keep-workspace", "--keep-shims", "--settle-jit", "--help");
    private static final Set<String> WITH_VALUE = Set.of("--calls", "--splits", "--backends", "--repeat", "--api",
            "--c-driver", "--out", "--seed", "--warmup", "--tool", "--jvm-arg");

    /**
     * Whether the rounds balance the backend order ({@code AgentToolsCommand.order}): a multiple
     * of the backend count (each backend once in each place) or an even count (mirrored pairs of
     * rounds). Otherwise the machine's drift, and whatever a backend leaves behind for the next
     * (page cache, a busy core), favour some backends: in the RFC-kernel VM's runs of two backends
     * in three rounds, the one that ran second was faster in every round.
     */
    public boolean orderBalanced() {
        return repeat % backends.size() == 0 || repeat % 2 == 0;
    }

    /** A line saying the order is not balanced, and what would balance it; empty when it is. */
    public String orderNote() {
        if (orderBalanced()) {
            return "";
        }
        return repeat + (repeat == 1 ? " round" : " rounds") + " for " + backends.size()
                + " backends: they do not each run in every place of the order equally often, so drift between"
                + " runs is not balanced out; use an even --repeat (or a multiple of " + backends.size()
                + ") to compare backends closely";
    }

    public static String usage() {
        return String.join("\n",
                "agent-tools | agent-tools-light [options]",
                "  --calls N            calls per backend and split (default: " + defaultCalls() + ")",
                "  --splits LIST        WORKERSxIN_FLIGHT list (default 1x16,2x8,4x4,8x2)",
                "  --backends LIST      processbuilder,userspace,kernel,c,c-kernel,c-posix (default: processbuilder,",
                "                       userspace, kernel when this machine has it, and c when its driver runs",
                "                       here, with c-kernel beside kernel). c is the C reference driver (no",
                "                       JVM) on the shim's own spawn, c-kernel the same on the RFC's",
                "                       spawn_template_spawn, c-posix the same on posix_spawnp",
                "  --repeat R           R rounds, the backend order varied each round; tables show the",
                "                       median and min-max of each cell (default 1). An even R, or a",
                "                       multiple of the number of backends, balances the order",
                "  --out DIR            results folder (default spawn-bench/target/agent-tools)",
                "  --seed N             seed of the fixture and the mix (default " + DEFAULT_SEED + ")",
                "  --warmup N           warm-up calls per worker before the timed part, at least one per tool",
                "                       (default " + DEFAULT_WARMUP + ")",
                "  --settle-jit         then the first " + SETTLE_BATCH
                        + " warm-up calls again, batch after batch, until two",
                "                       batches in a row leave the worker JVM's JIT compiler threads on CPU for",
                "                       under 2% of their time (at most 30 batches or 150 s): the steady state of",
                "                       a long-lived JVM. Needs --warmup " + SETTLE_MIN_WARMUP
                        + " or more; the C driver has no JIT",
                "  --tool NAME=PATH     use PATH for command NAME instead of the PATH lookup",
                "                       (e.g. --tool python3=/usr/bin/python3)",
                "  --keep-shims         run a #! shim found first on PATH (pyenv's python3) even when a binary",
                "                       of the same name comes later; by default the binary is used and the",
                "                       shim named (a forced kernel backend cannot run scripts at all)",
                "  --c-driver PATH      the C reference driver (default: the one bundled in this jar)",
                "  --api spawn|toolcall how the library backends run a call: spawn (default: SpawnTemplate.spawn,",
                "                       stdout read by the calling thread, stderr by a pool thread, waitFor) or",
                "                       toolcall (SpawnTemplate.call: pipes and exit on the library's event loop;",
                "                       processbuilder, which has none, still runs spawn)",
                "  --jvm-arg ARG        extra JVM option for the worker JVMs (repeatable); their output goes",
                "                       to the worker logs: an -Xlog must name an output (-Xlog:gc:stderr)",
                "  --keep-workspace     leave the fixture workspace in place and print where it is",
                "exit code: 0 every call matched (or --help), 1 a mismatch, 2 an error or an incomplete run,",
                "           " + AgentToolsCommand.INTERRUPTED + " interrupted (Ctrl-C), " + AgentToolsCommand.TERMINATED
                        + " stopped by SIGTERM");
    }

    /** Each preset's default call count, as {@code 768 for agent-tools, 4096 for agent-tools-light}. */
    private static String defaultCalls() {
        return Arrays.stream(Preset.values()).map(preset -> preset.defaultCalls() + " for " + preset.command())
                .collect(Collectors.joining(", "));
    }

    /**
     * Parses the options after the preset's subcommand; {@code defaultBackends} applies when
     * {@code --backends} is absent.
     *
     * @throws IllegalArgumentException naming the bad option
     * @throws HelpRequested when an option is {@code --help} or {@code -h}
     */
    public static RunnerOptions parse(Preset preset, List<String> args, List<Engine> defaultBackends) {
        int calls = preset.defaultCalls();
        List<Split> splits = Split.DEFAULTS;
        List<Engine> backends = defaultBackends;
        boolean backendsChosen = false;
        int repeat = 1;
        Path cDriver = null;
        boolean keepShims = false;
        String api = "spawn";
        Path out = DEFAULT_OUT;
        long seed = DEFAULT_SEED;
        int warmup = DEFAULT_WARMUP;
        Map<String, Path> tools = new LinkedHashMap<>();
        List<String> jvmArgs = new ArrayList<>();
        boolean keep = false;
        boolean settleJit = false;
        for (int i = 0; i < args.size(); i++) {
            String option = args.get(i);
            if (option.equals("--help") || option.equals("-h")) {
                throw new HelpRequested();
            }
            String value = null;
            int eq = option.indexOf('=');
            if (option.startsWith("--") && eq > 0 && !option.equals("--tool") && !option.equals("--jvm-arg")) {
                value = option.substring(eq + 1);
                option = option.substring(0, eq);
            }
            boolean flag = FLAGS.contains(option);
            if (flag && value != null) {
                throw new IllegalArgumentException(option + " takes no value, got " + value);
            }
            if (option.equals("--keep-workspace")) {
                keep = true;
                continue;
            }
            if (option.equals("--keep-shims")) {
                keepShims = true;
                continue;
            }
            if (option.equals("--settle-jit")) {
                settleJit = true;
                continue;
            }
            boolean separate = value == null;
            if (separate) {
                if (i + 1 >= args.size()) {
                    throw new IllegalArgumentException(option + " needs a value\n" + usage());
                }
                value = args.get(++i);
            }
            if (WITH_VALUE.contains(option)) {
                requireValue(option, value, separate);
            }
            switch (option) {
                case "--calls":
                    calls = atMostMax(option, positive(option, value));
                    break;
                case "--splits":
                    splits = Split.parseList(value);
                    break;
                case "--backends":
                    backends = parseBackends(value);
                    backendsChosen = true;
                    break;
                case "--repeat":
                    repeat = positive(option, value);
                    break;
                case "--api":
                    if (!value.equals("spawn") && !value.equals("toolcall")) {
                        throw new IllegalArgumentException("--api is spawn or toolcall, got " + value);
                    }
                    api = value;
                    break;
                case "--c-driver":
                    cDriver = Path.of(value);
                    break;
                case "--out":
                    out = Path.of(value);
                    break;
                case "--seed":
                    seed = longNumber(option, value);
                    break;
                case "--warmup":
                    warmup = integer(option, value);
                    if (warmup < 0) {
                        throw new IllegalArgumentException("--warmup must be >= 0, got " + value);
                    }
                    atMostMax(option, warmup);
                    break;
                case "--tool":
                    int at = value.indexOf('=');
                    if (at <= 0) {
                        throw new IllegalArgumentException("--tool wants NAME=PATH, got " + value);
                    }
                    tools.put(value.substring(0, at), Path.of(value.substring(at + 1)));
                    break;
                case "--jvm-arg":
                    WorkerVmOutput.requireOffStdout(value);
                    jvmArgs.add(value);
                    break;
                default:
                    throw new IllegalArgumentException("unknown option " + option + "\n" + usage());
            }
        }
        requireKnownTools(preset, tools.keySet());
        if (settleJit && warmup < SETTLE_MIN_WARMUP) {
            throw new IllegalArgumentException("--settle-jit needs --warmup " + SETTLE_MIN_WARMUP + " or more: a"
                    + " method run once per call reaches C2 only after thousands of calls, whether or not the"
                    + " compiler threads are busy before");
        }
        return new RunnerOptions(preset, calls, splits, backends, out, seed, warmup, tools, jvmArgs, keep, repeat,
                cDriver, keepShims, api, settleJit, backendsChosen);
    }

    /** These options without the C reference backends. */
    public RunnerOptions withoutC() {
        return new RunnerOptions(preset, calls, splits, backends.stream().filter(backend -> !backend.isC()).toList(),
                out, seed, warmupCalls, toolOverrides, jvmArgs, keepWorkspace, repeat, cDriver, keepShims, api,
                settleJit, backendsChosen);
    }

    /** A {@code --tool} for a command the preset never runs would be ignored, most likely a typo. */
    private static void requireKnownTools(Preset preset, Set<String> names) {
        List<String> commands = preset.tools().stream().map(Tool::command).distinct().toList();
        for (String name : names) {
            if (!commands.contains(name)) {
                throw new IllegalArgumentException("--tool " + name + ": " + preset.command() + " runs no command "
                        + name + "; its commands are " + String.join(", ", commands));
            }
        }
    }

    /** Parses {@code processbuilder,userspace,c}; ProcessBuilder, the reference, is moved first. */
    public static List<Engine> parseBackends(String text) {
        List<Engine> backends = new ArrayList<>();
        for (String part : text.split(",")) {
            if (!part.isBlank()) {
                Engine backend = Engine.fromLabel(part);
                if (!backends.contains(backend)) {
                    backends.add(backend);
                }
            }
        }
        if (backends.isEmpty()) {
            throw new IllegalArgumentException("no backend in \"" + text + "\"");
        }
        if (backends.remove(Engine.PROCESS_BUILDER)) {
            backends.add(0, Engine.PROCESS_BUILDER);
        }
        return List.copyOf(backends);
    }

    /**
     * An option's value must be one: an empty one ({@code --out=}) would quietly mean the current
     * folder, and an option after it ({@code --out --keep-workspace}) means the value was left out;
     * {@code --out=--keep-workspace} says it is meant.
     */
    private static void requireValue(String option, String value, boolean separate) {
        if (value.isEmpty()) {
            throw new IllegalArgumentException(option + " needs a value, got an empty one");
        }
        String name = value.contains("=") ? value.substring(0, value.indexOf('=')) : value;
        if (separate && (FLAGS.contains(name) || WITH_VALUE.contains(name))) {
            throw new IllegalArgumentException(option + " needs a value, got the option " + value
                    + " (a value that starts so must be given as " + option + "=VALUE)");
        }
    }

    private static int atMostMax(String option, int number) {
        if (number > MAX_CALLS) {
            throw new IllegalArgumentException(option + " must be <= " + MAX_CALLS + ", got " + number
                    + ": the runner keeps every call's outcome in memory");
        }
        return number;
    }

    private static int positive(String option, String value) {
        int number = integer(option, value);
        if (number < 1) {
            throw new IllegalArgumentException(option + " must be >= 1, got " + value);
        }
        return number;
    }

    // NumberFormatException's own message ("For input string: ...") does not say which option was wrong.
    private static int integer(String option, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " wants an integer, got " + value, e);
        }
    }

    private static long longNumber(String option, String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " wants an integer, got " + value, e);
        }
    }
}
