package dev.spawn.bench.agent;

import dev.spawn.Backend;
import dev.spawn.Spawner;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The agent-tools workload: resolve the tools, build the fixture, run the seeded mix on every
 * backend at every split in worker JVMs, check every call against ProcessBuilder's run, report.
 * Tables go to stdout, progress to stderr, files to the output folder.
 */
public final class AgentToolsCommand {
    private final PrintStream out;
    private final PrintStream progress;
    private final Path tempRoot;

    public AgentToolsCommand(PrintStream out, PrintStream progress) {
        this(out, progress, Path.of(System.getProperty("java.io.tmpdir")));
    }

    /** Makes each run's temp folder (fixture, call files) in {@code tempRoot}. */
    AgentToolsCommand(PrintStream out, PrintStream progress, Path tempRoot) {
        this.out = out;
        this.progress = progress;
        this.tempRoot = tempRoot;
    }

    /**
     * The exit code of an interrupted run, as a shell reports SIGINT. A signal to the runner's own
     * JVM ends it with that signal's status whatever this returns: 130 for Ctrl-C (SIGINT), 143
     * for SIGTERM; this is what a run says when only its workers were stopped, or its thread was
     * interrupted.
     */
    static final int INTERRUPTED = 130;
    /** The exit code of a JVM ended by SIGTERM, which the usage names beside {@link #INTERRUPTED}. */
    static final int TERMINATED = 143;

    /**
     * Runs the preset with {@code args}; returns the exit code (0 all checked or help printed, 1 a
     * mismatch, 2 an error or an incomplete run, {@link #INTERRUPTED} interrupted).
     */
    public int run(Preset preset, List<String> args) {
        RunnerOptions options;
        try {
            options = RunnerOptions.parse(preset, args, availableBackends());
            requireAvailable(options.backends());
        } catch (HelpRequested e) {
            out.println(RunnerOptions.usage());
            return 0;
        } catch (IllegalArgumentException | IllegalStateException e) {
            progress.println(preset.command() + ": " + e.getMessage());
            return 2;
        }
        try {
            return execute(options);
        } catch (UsageError e) {
            progress.println(preset.command() + ": " + e.getMessage());
            return 2;
        } catch (IOException | RuntimeException e) {
            progress.println(preset.command() + ": " + e.getMessage());
            e.printStackTrace(progress);
            return 2;
        } catch (OutOfMemoryError e) {
            // an error of the run's size, not a mismatch (exit 1)
            progress.println(preset.command() + ": out of memory (" + e.getMessage() + "): lower --calls or --warmup,"
                    + " or run the runner with a larger -Xmx");
            return 2;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            progress.println(preset.command() + ": interrupted");
            return INTERRUPTED;
        }
    }

    /**
     * ProcessBuilder and USERSPACE, KERNEL_TEMPLATE when this machine has it, and the C reference
     * (on the kernel's spawn too when the machine has it).
     */
    static List<Engine> availableBackends() {
        List<Engine> backends = new ArrayList<>(List.of(Engine.PROCESS_BUILDER, Engine.USERSPACE));
        boolean kernel = Spawner.of(Backend.values()).backends().contains(Backend.KERNEL_TEMPLATE);
        if (kernel) {
            backends.add(Engine.KERNEL);
        }
        backends.add(Engine.C);
        if (kernel) {
            backends.add(Engine.C_KERNEL);
        }
        return backends;
    }

    /**
     * Fails before any work when a backend cannot run here. c-kernel needs the RFC kernel's
     * syscalls just as kernel does; the library's KERNEL_TEMPLATE probe says whether they are there,
     * where otherwise the driver would fail (ENOSYS) only once the fixture was built, and in a list
     * only after every backend before it had run.
     *
     * @throws IllegalStateException naming the backend and why it is unavailable
     */
    static void requireAvailable(List<Engine> backends) {
        for (Engine backend : backends) {
            if (backend == Engine.C_KERNEL) {
                try {
                    Spawner.using(Backend.KERNEL_TEMPLATE);
                } catch (IllegalStateException e) {
                    throw new IllegalStateException("backend c-kernel runs the C driver on the RFC kernel's"
                            + " spawn_template_spawn, and " + e.getMessage(), e);
                }
            } else if (!backend.isC()) {
                Spawner.using(backend.backend());
            }
        }
    }

    /**
     * The backends of round {@code round} of {@code rounds}. When the rounds are a multiple of the
     * backends, the list rotated left by {@code round}: each backend runs once in each place. Else,
     * when they are even, mirrored pairs: rounds 2k and 2k+1 run the list rotated by k and then
     * its reverse, so every pair of rounds gives each backend the same mean place and runs each
     * two backends once each way round (two rounds of four backends, as the VM script's default,
     * are balanced so). Else the rotation, which {@link RunnerOptions#orderBalanced} reports as
     * unbalanced.
     */
    static List<Engine> order(List<Engine> backends, int round, int rounds) {
        int count = Math.max(1, backends.size());
        boolean mirrored = rounds % count != 0 && rounds % 2 == 0;
        List<Engine> ordered = new ArrayList<>(backends);
        Collections.rotate(ordered, -((mirrored ? round / 2 : round) % count));
        if (mirrored && round % 2 == 1) {
            Collections.reverse(ordered);
        }
        return ordered;
    }

    /**
     * The C driver, run once to see that it works here; {@code null} when it does not and c was
     * only a default backend, which then is left out with a note.
     *
     * @throws UsageError when it does not work and {@code --backends} asked for it
     */
    private Path usableCDriver(RunnerOptions options, Path scratch) throws IOException, InterruptedException {
        String name = options.preset().command();
        try {
            Path driver = CDriver.locate(options.cDriver(), scratch);
            progress.println(name + ": C reference driver " + driver + " (" + CDriver.check(driver, scratch) + ")");
            return driver;
        } catch (UsageError e) {
            if (options.backendsChosen()) {
                throw e;
            }
            progress.println(name + ": note: leaving c out of the backends: " + e.getMessage());
            return null;
        }
    }

    private int execute(RunnerOptions asked) throws IOException, InterruptedException {
        RunnerOptions options = asked;
        String name = options.preset().command();
        HostInfo host = HostInfo.current();
        progress.println(name + ": backends " + options.backends().stream().map(Engine::label).toList()
                + ", splits " + options.splits() + ", " + options.calls() + " calls each, " + options.repeat()
                + " round(s), api " + options.api());
        if (!options.orderBalanced()) {
            progress.println(name + ": note: " + options.orderNote());
        }
        ToolSelection selection = ToolSelection.resolve(options, ToolResolver.fromEnvironment(options.toolOverrides()),
                progress);
        Map<String, ResolvedTool> byCommand = selection.byCommand();
        List<Tool> mix = selection.mix();
        Path logs = ResultsFolder.prepare(options.out(), options.preset());

        Path base = Files.createTempDirectory(tempRoot, "spawn-bench-");
        RunCleanup cleanup;
        try {
            cleanup = RunCleanup.install(base, options.keepWorkspace(), name, progress);
        } catch (IllegalStateException shutdownInProgress) {
            // Ctrl-C came between making the folder and registering the hook that would remove it
            Fixture.deleteTree(base);
            progress.println(name + ": interrupted; cleaned up");
            return INTERRUPTED;
        }
        try {
            Path driver;
            Fixture fixture;
            List<CallSpec> calls;
            Path callsFile = base.resolve("calls.tsv");
            Path warmupFile = base.resolve("warmup.tsv");
            boolean runsC = options.backends().stream().anyMatch(Engine::isC);
            if (!runsC && options.cDriver() != null) {
                progress.println(name + ": warning: --c-driver " + options.cDriver() + " is not used: no C backend"
                        + " (c, c-kernel, c-posix) is in --backends");
            }
            cleanup.beginSetUp();
            try {
                driver = runsC ? usableCDriver(options, base) : null;
                if (driver == null) {
                    options = options.withoutC();
                }
                progress.println(name + ": building the fixture workspace in " + base.resolve("workspace"));
                fixture = Fixture.create(base.resolve("workspace"), options.seed(),
                        byCommand.containsKey("git") ? byCommand.get("git").path() : null, cleanup::interrupted);
                calls = CallMix.generate(options.seed(), options.calls(), mix);
                CallFile.write(callsFile, calls, byCommand);
                CallFile.write(warmupFile, CallMix.warmup(options.seed(), options.warmupCalls(), mix), byCommand);
            } finally {
                cleanup.endSetUp();
            }
            ResultsFolder.clearEarlierRun(options.out(), logs, options.preset());
            SplitRun splitRun = new SplitRun(callsFile, warmupFile, fixture.root(), logs, options.jvmArgs(), driver,
                    options.api(), options.settleJit(), cleanup.workers());

            Rounds.Outcome outcome = new Rounds(options, splitRun, calls,
                    CallMix.warmupCount(options.warmupCalls(), mix), progress).run();
            if (cleanup.interrupted()) {
                return INTERRUPTED;
            }
            if (outcome.rows().isEmpty()) {
                progress.println(name + ": " + outcome.failure());
                return 2;
            }
            BenchReport report = new BenchReport(options, host, selection.tools(), selection.missing(), mix, calls,
                    outcome.rows(), outcome.failure());
            String text = TextReport.render(report);
            out.print(text);
            out.flush();
            String written = ReportFiles.write(report, text, options.out());
            if (!report.complete()) {
                progress.println(name + ": " + report.failure() + "; wrote the reports of the runs before it ("
                        + report.rows().size() + "), marked INCOMPLETE: " + written + ", worker logs in " + logs);
                return 2;
            }
            progress.println(name + ": wrote " + written + ", worker logs in " + logs);
            return report.verified() ? 0 : 1;
        } catch (IOException | RuntimeException e) {
            if (e instanceof WorkerInterrupted || cleanup.interrupted()) {
                // a failure the interruption caused: the cleanup says "interrupted" instead
                cleanup.markInterrupted();
                return INTERRUPTED;
            }
            throw e;
        } finally {
            cleanup.close();
        }
    }
}
