package dev.spawn.bench.cpu;

import dev.spawn.SpawnProcessBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code parent-cpu}: what one start costs the starting JVM itself, in CPU time of its own
 * threads (the child's exec excluded), one child at a time: start, drain stdout and stderr,
 * waitFor, with {@link SpawnProcessBuilder} and {@link ProcessBuilder}. At 16 in flight on 2
 * cores the machine is CPU-bound, so this is the figure that caps calls/s there, and one the
 * JMH throughput hides among the child's own exec.
 */
public final class ParentCpuCommand {
    private static final byte[] SINK = new byte[8192];

    private final PrintStream out;

    public ParentCpuCommand(PrintStream out) {
        this.out = out;
    }

    /** The options, parsed; builders in the order given. */
    record Options(int warmup, int spawns, List<String> builders, List<String> command) {
        static Options parse(List<String> args) {
            int warmup = 20_000;
            int spawns = 10_000;
            List<String> builders = List.of("processbuilder", "spawn");
            List<String> command = List.of("true");
            for (int i = 0; i < args.size(); i++) {
                String option = args.get(i);
                if (option.equals("--")) {
                    command = List.copyOf(args.subList(i + 1, args.size()));
                    if (command.isEmpty()) {
                        throw new IllegalArgumentException("no command after --");
                    }
                    break;
                }
                if (i + 1 >= args.size()) {
                    throw new IllegalArgumentException(option + " needs a value");
                }
                String value = args.get(++i);
                switch (option) {
                    case "--warmup":
                        warmup = count(option, value, 0);
                        break;
                    case "--spawns":
                        spawns = count(option, value, 1);
                        break;
                    case "--builders":
                        builders = List.of(value.split(","));
                        for (String builder : builders) {
                            if (!builder.equals("spawn") && !builder.equals("processbuilder")) {
                                throw new IllegalArgumentException("--builders takes spawn and processbuilder, not "
                                        + builder);
                            }
                        }
                        break;
                    default:
                        throw new IllegalArgumentException("unknown option " + option);
                }
            }
            return new Options(warmup, spawns, builders, command);
        }

        private static int count(String option, String value, int least) {
            int count;
            try {
                count = Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + " takes a number, not " + value, e);
            }
            if (count < least) {
                throw new IllegalArgumentException(option + " must be >= " + least + ": " + count);
            }
            return count;
        }
    }

    /**
     * One builder's figures: the whole JVM's CPU per start, and the part of it the starting
     * thread spent (the rest is the library's loop, the JDK's reaper threads, JIT and GC).
     */
    record Result(String builder, int spawns, double wallMicros, double cpuMicros, double threadCpuMicros) {
    }

    /** The options, one per line, indented for the jar's help. */
    public static String usage() {
        return String.join("\n",
                "  --warmup N           untimed starts per builder first (default 20000)",
                "  --spawns N           timed starts per builder (default 10000)",
                "  --builders LIST      processbuilder,spawn (default both, in that order)",
                "  -- COMMAND...        what to start (default: true)");
    }

    /** Runs the measurement; returns the exit status. */
    public int run(List<String> args) throws IOException, InterruptedException {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            out.println("parent-cpu: " + e.getMessage() + "\n" + usage());
            return 2;
        }
        out.printf("parent-cpu: %s, %d warm-up + %d timed starts per builder, one at a time%n",
                String.join(" ", options.command()), options.warmup(), options.spawns());
        out.printf("%-16s %8s %14s %22s %18s%n", "builder", "spawns", "wall us/start", "parent CPU us/start",
                "starting thread");
        for (Result result : measure(options)) {
            out.printf("%-16s %8d %14.1f %22.1f %18.1f%n", result.builder(), result.spawns(), result.wallMicros(),
                    result.cpuMicros(), result.threadCpuMicros());
        }
        return 0;
    }

    static List<Result> measure(Options options) throws IOException, InterruptedException {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        List<Result> results = new ArrayList<>();
        for (String builder : options.builders()) {
            startAll(builder, options.command(), options.warmup());
            long cpu = ProcessCpuClock.nanos();
            long threadCpu = threads.getCurrentThreadCpuTime();
            long wall = System.nanoTime();
            startAll(builder, options.command(), options.spawns());
            double wallMicros = (System.nanoTime() - wall) / 1e3 / options.spawns();
            double threadCpuMicros = (threads.getCurrentThreadCpuTime() - threadCpu) / 1e3 / options.spawns();
            double cpuMicros = (ProcessCpuClock.nanos() - cpu) / 1e3 / options.spawns();
            results.add(new Result(builder, options.spawns(), wallMicros, cpuMicros, threadCpuMicros));
        }
        return results;
    }

    private static void startAll(String builder, List<String> command, int count)
            throws IOException, InterruptedException {
        for (int i = 0; i < count; i++) {
            Process process = builder.equals("spawn") ? new SpawnProcessBuilder(command).start()
                    : new ProcessBuilder(command).start();
            process.getOutputStream().close();
            drain(process.getInputStream());
            drain(process.getErrorStream());
            int exit = process.waitFor();
            if (exit != 0) {
                throw new IOException(command + " exited with " + exit + " (" + builder + ")");
            }
        }
    }

    private static void drain(InputStream in) throws IOException {
        try (in) {
            while (in.read(SINK) >= 0) {
                // the bytes are not the point: the pipe's end is
            }
        }
    }
}
