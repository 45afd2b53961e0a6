package dev.spawn.bench;

import dev.spawn.bench.agent.AgentToolsCommand;
import dev.spawn.bench.agent.Preset;
import dev.spawn.bench.agent.RunnerOptions;
import dev.spawn.bench.cpu.ParentCpuCommand;
import java.util.Arrays;
import java.util.List;

/** {@code java -jar spawn-bench.jar [agent-tools | agent-tools-light | parent-cpu | jmh ... | --help]}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        List<String> rest = args.length == 0 ? List.of() : Arrays.asList(args).subList(1, args.length);
        String command = args.length == 0 ? Preset.AGENT_TOOLS.command() : args[0];
        if (command.startsWith("--") && !command.equals("--help")) {
            // options without a subcommand belong to the default preset
            rest = Arrays.asList(args);
            command = Preset.AGENT_TOOLS.command();
        }
        switch (command) {
            case "--help":
            case "-h":
            case "help":
                System.out.println(usage());
                return;
            case "jmh":
                org.openjdk.jmh.Main.main(rest.toArray(new String[0]));
                return;
            case "parent-cpu":
                System.exit(new ParentCpuCommand(System.out).run(rest));
                return;
            default:
                Preset preset = Preset.ofCommand(command);
                if (preset == null) {
                    System.err.println("unknown command \"" + command + "\"\n\n" + usage());
                    System.exit(2);
                }
                System.exit(new AgentToolsCommand(System.out, System.err).run(preset, rest));
        }
    }

    static String usage() {
        return String.join("\n",
                "usage: java -jar spawn-bench.jar [COMMAND] [OPTIONS]",
                "",
                "commands:",
                "  agent-tools        (default) the RFC's agent tool-call mix: rg, grep, sed, awk, cat, head, tail,",
                "                     find, stat, ls, git status, git diff, python3 -c, node -e, sh -c, bash -c",
                "  agent-tools-light  the same without python and node",
                "  parent-cpu         CPU of the starting JVM's own threads per start, one child at a time,",
                "                     SpawnProcessBuilder and ProcessBuilder (start, drain stdout and stderr, waitFor):",
                ParentCpuCommand.usage().replaceAll("(?m)^", "                   "),
                "  jmh [JMH ARGS]     the JMH benchmarks, e.g.",
                "                     jmh -f 1 -wi 2 -i 3 -p backend=processbuilder,userspace SpawnT16Benchmark",
                "                     (-lp lists parameters; -rf json -rff FILE writes JSON results)",
                "  --help             this text",
                "",
                "options of agent-tools and agent-tools-light:",
                RunnerOptions.usage());
    }
}
