package dev.spawn.bench.agent;

import dev.spawn.Backend;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The agent-tools runner's command line. */
public record RunnerOptions(Preset preset, int calls, List<Split> splits, List<Backend> backends, Path out,
        long seed, int warmupCalls, Map<String, Path> toolOverrides, List<String> jvmArgs, boolean keepWorkspace) {

    public static final Path DEFAULT_OUT = Path.of("spawn-bench", "target", "agent-tools");
    public static final long DEFAULT_SEED = 20240501L;

    public static String usage() {
        return String.join("\n",
                "agent-tools | agent-tools-light [options]",
                "  --calls N            calls per backend and split (default: 1024 for agent-tools,",
                "                       2048 for agent-tools-light)",
                "  --splits LIST        WORKERSxIN_FLIGHT list (default 1x16,2x8,4x4,8x2)",
                "  --backends LIST      processbuilder,userspace,kernel (default: processbuilder,userspace,",
                "                       and kernel when this machine has it)",
                "  --out DIR            results folder (default spawn-bench/target/agent-tools)",
                "  --seed N             seed of the fixture and the mix (default " + DEFAULT_SEED + ")",
                "  --warmup N           warm-up calls per worker before the timed part (default 32)",
                "  --tool NAME=PATH     use PATH for command NAME instead of the PATH lookup",
                "                       (e.g. --tool python3=/usr/bin/python3 to skip a pyenv shim)",
                "  --jvm-arg ARG        extra JVM option for the worker JVMs (repeatable)",
                "  --keep-workspace     leave the fixture workspace in place and print where it is");
    }

    /**
     * Parses the options after the preset's subcommand; {@code defaultBackends} applies when
     * {@code --backends} is absent.
     *
     * @throws IllegalArgumentException naming the bad option
     */
    public static RunnerOptions parse(Preset preset, List<String> args, List<Backend> defaultBackends) {
        int calls = preset.defaultCalls();
        List<Split> splits = Split.DEFAULTS;
        List<Backend> backends = defaultBackends;
        Path out = DEFAULT_OUT;
        long seed = DEFAULT_SEED;
        int warmup = 32;
        Map<String, Path> tools = new LinkedHashMap<>();
        List<String> jvmArgs = new ArrayList<>();
        boolean keep = false;
        for (int i = 0; i < args.size(); i++) {
            String option = args.get(i);
            String value = null;
            int eq = option.indexOf('=');
            if (option.startsWith("--") && eq > 0 && !option.equals("--tool") && !option.equals("--jvm-arg")) {
                value = option.substring(eq + 1);
                option = option.substring(0, eq);
            }
            if (option.equals("--keep-workspace")) {
                keep = true;
                continue;
            }
            if (value == null) {
                if (i + 1 >= args.size()) {
                    throw new IllegalArgumentException(option + " needs a value\n" + usage());
                }
                value = args.get(++i);
            }
            switch (option) {
                case "--calls":
                    calls = positive(option, value);
                    break;
                case "--splits":
                    splits = Split.parseList(value);
                    break;
                case "--backends":
                    backends = parseBackends(value);
                    break;
                case "--out":
                    out = Path.of(value);
                    break;
                case "--seed":
                    seed = Long.parseLong(value);
                    break;
                case "--warmup":
                    warmup = Integer.parseInt(value);
                    if (warmup < 0) {
                        throw new IllegalArgumentException("--warmup must be >= 0");
                    }
                    break;
                case "--tool":
                    int at = value.indexOf('=');
                    if (at <= 0) {
                        throw new IllegalArgumentException("--tool wants NAME=PATH, got " + value);
                    }
                    tools.put(value.substring(0, at), Path.of(value.substring(at + 1)));
                    break;
                case "--jvm-arg":
                    jvmArgs.add(value);
                    break;
                default:
                    throw new IllegalArgumentException("unknown option " + option + "\n" + usage());
            }
        }
        return new RunnerOptions(preset, calls, splits, backends, out, seed, warmup, tools, jvmArgs, keep);
    }

    /** Parses {@code processbuilder,userspace}; ProcessBuilder, the reference, is moved first. */
    public static List<Backend> parseBackends(String text) {
        List<Backend> backends = new ArrayList<>();
        for (String part : text.split(",")) {
            if (!part.isBlank()) {
                Backend backend = Backend.fromPropertyName(part);
                if (!backends.contains(backend)) {
                    backends.add(backend);
                }
            }
        }
        if (backends.isEmpty()) {
            throw new IllegalArgumentException("no backend in \"" + text + "\"");
        }
        if (backends.remove(Backend.PROCESS_BUILDER)) {
            backends.add(0, Backend.PROCESS_BUILDER);
        }
        return List.copyOf(backends);
    }

    private static int positive(String option, String value) {
        int number = Integer.parseInt(value);
        if (number < 1) {
            throw new IllegalArgumentException(option + " must be >= 1, got " + value);
        }
        return number;
    }
}
