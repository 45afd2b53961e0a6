package dev.spawn.bench.agent;

import dev.spawn.Backend;
import dev.spawn.Spawner;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The agent-tools workload: resolve the tools, build the fixture, run the seeded mix on every
 * backend at every split in worker JVMs, check every call against ProcessBuilder's run, report.
 * Tables go to stdout, progress to stderr, files to the output folder.
 */
public final class AgentToolsCommand {
    private final PrintStream out;
    private final PrintStream progress;

    public AgentToolsCommand(PrintStream out, PrintStream progress) {
        this.out = out;
        this.progress = progress;
    }

    /** Runs the preset with {@code args}; returns the exit code (0 all checked, 1 a mismatch, 2 an error). */
    public int run(Preset preset, List<String> args) {
        RunnerOptions options;
        try {
            options = RunnerOptions.parse(preset, args, availableBackends());
            requireAvailable(options.backends());
        } catch (IllegalArgumentException | IllegalStateException e) {
            progress.println(preset.command() + ": " + e.getMessage());
            return 2;
        }
        try {
            return execute(options);
        } catch (IOException | RuntimeException e) {
            progress.println(preset.command() + ": " + e.getMessage());
            e.printStackTrace(progress);
            return 2;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            progress.println(preset.command() + ": interrupted");
            return 2;
        }
    }

    /** ProcessBuilder and USERSPACE, plus KERNEL_TEMPLATE when this machine has it. */
    static List<Backend> availableBackends() {
        List<Backend> backends = new ArrayList<>(List.of(Backend.PROCESS_BUILDER, Backend.USERSPACE));
        if (Spawner.of(Backend.KERNEL_TEMPLATE).backends().contains(Backend.KERNEL_TEMPLATE)) {
            backends.add(Backend.KERNEL_TEMPLATE);
        }
        return backends;
    }

    private static void requireAvailable(List<Backend> backends) {
        for (Backend backend : backends) {
            Spawner.using(backend);
        }
    }

    private int execute(RunnerOptions options) throws IOException, InterruptedException {
        String name = options.preset().command();
        HostInfo host = HostInfo.current();
        progress.println(name + ": backends " + options.backends().stream().map(Backend::propertyName).toList()
                + ", splits " + options.splits() + ", " + options.calls() + " calls each");
        ToolResolver resolver = ToolResolver.fromEnvironment(options.toolOverrides());
        Map<String, Optional<ResolvedTool>> found = resolver.resolveAll(options.preset().tools());
        List<ResolvedTool> tools = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, Optional<ResolvedTool>> entry : found.entrySet()) {
            if (entry.getValue().isPresent()) {
                tools.add(entry.getValue().get());
                progress.println("  tool " + entry.getValue().get().describe());
            } else {
                missing.add(entry.getKey());
                progress.println(name + ": " + entry.getKey() + " is not on PATH; its calls are left out of the mix"
                        + " for every backend" + (entry.getKey().equals("rg") ? " (Debian: apt-get install ripgrep)"
                        : ""));
            }
        }
        List<Tool> mix = options.preset().tools().stream()
                .filter(tool -> found.get(tool.command()).isPresent()).toList();
        Map<String, ResolvedTool> byCommand = new java.util.HashMap<>();
        tools.forEach(tool -> byCommand.put(tool.command(), tool));

        Path base = Files.createTempDirectory("spawn-bench-");
        Path logs = options.out().resolve("logs");
        Files.createDirectories(logs);
        Fixture fixture = null;
        try {
            progress.println(name + ": building the fixture workspace in " + base.resolve("workspace"));
            fixture = Fixture.create(base.resolve("workspace"), options.seed(),
                    byCommand.containsKey("git") ? byCommand.get("git").path() : null);
            List<CallSpec> calls = CallMix.generate(options.seed(), options.calls(), mix);
            Path callsFile = base.resolve("calls.tsv");
            Path warmupFile = base.resolve("warmup.tsv");
            CallFile.write(callsFile, calls, byCommand);
            CallFile.write(warmupFile, CallMix.warmup(options.seed(), options.warmupCalls(), mix), byCommand);
            SplitRun splitRun = new SplitRun(callsFile, warmupFile, fixture.root(), logs, options.jvmArgs());

            List<BenchReport.Row> rows = new ArrayList<>();
            List<CallOutcome> reference = null;
            int total = options.splits().size() * options.backends().size();
            int step = 0;
            for (Split split : options.splits()) {
                for (Backend backend : options.backends()) {
                    step++;
                    progress.printf("[%d/%d] %s %s: %d worker JVM(s) x %d in flight, warming up...%n", step, total,
                            split, backend.propertyName(), split.workers(), split.inFlight());
                    RunResult result = splitRun.run(backend, split);
                    if (reference == null) {
                        reference = result.outcomes();
                    }
                    List<Verifier.Mismatch> mismatches = Verifier.compare(reference, result.outcomes(), calls);
                    rows.add(new BenchReport.Row(result, mismatches));
                    progress.printf("[%d/%d] %s %s: %d calls in %.2f s = %.1f calls/s, %s%n", step, total, split,
                            backend.propertyName(), result.calls(), result.seconds(), result.callsPerSecond(),
                            mismatches.isEmpty() ? "all match the reference"
                                    : mismatches.size() + " MISMATCHES, first: " + mismatches.get(0));
                }
            }
            BenchReport report = new BenchReport(options, host, tools, missing, mix, calls, rows);
            String text = TextReport.render(report);
            out.print(text);
            out.flush();
            Files.writeString(options.out().resolve(name + ".txt"), text, StandardCharsets.UTF_8);
            Files.writeString(options.out().resolve(name + ".csv"), CsvReport.render(report), StandardCharsets.UTF_8);
            Files.writeString(options.out().resolve(name + ".json"), JsonReport.render(report), StandardCharsets.UTF_8);
            Files.writeString(options.out().resolve(name + ".svg"), SvgChart.render(report), StandardCharsets.UTF_8);
            progress.println(name + ": wrote " + options.out().resolve(name + ".{txt,csv,json,svg}")
                    + ", worker logs in " + logs);
            return report.verified() ? 0 : 1;
        } finally {
            if (options.keepWorkspace()) {
                progress.println(name + ": kept the workspace and call files in " + base);
            } else {
                if (fixture != null) {
                    fixture.close();
                }
                Fixture.deleteTree(base);
            }
        }
    }
}
