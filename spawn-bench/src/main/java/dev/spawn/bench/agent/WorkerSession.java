package dev.spawn.bench.agent;

import dev.spawn.Backend;
import dev.spawn.SpawnTemplate;
import dev.spawn.Spawner;
import dev.spawn.bench.cpu.ProcessCpuClock;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One worker JVM: runs its share of the calls (index mod W) with I in flight, on exactly one
 * backend, and reports to the runner over stdout (see {@link WorkerProtocol}).
 */
public final class WorkerSession {
    private static final int SETTLE_BATCHES = 30;
    /** A JIT that never quiets down must not keep the worker from its timed calls for ever. */
    private static final long SETTLE_LIMIT_NANOS = 150_000_000_000L;

    private final WorkerArgs args;
    private final PrintWriter out = new PrintWriter(new BufferedWriter(new OutputStreamWriter(
            new FileOutputStream(FileDescriptor.out), StandardCharsets.UTF_8), 1 << 16), false);

    /** The worker's command line. */
    public record WorkerArgs(Path calls, Path warmup, Path workspace, int worker, int workers, int inFlight,
            Backend backend, boolean toolCall, boolean settleJit) {

        /**
         * Parses {@code --calls F --warmup F --workspace D --worker k --workers W --in-flight I --backend B
         * [--api spawn|toolcall] [--settle-jit yes|no]}.
         */
        public static WorkerArgs parse(String[] argv) {
            Map<String, String> options = new LinkedHashMap<>();
            for (int i = 0; i < argv.length; i += 2) {
                if (!argv[i].startsWith("--") || i + 1 >= argv.length) {
                    throw new IllegalArgumentException("worker: expected --option value at \"" + argv[i] + "\"");
                }
                options.put(argv[i].substring(2), argv[i + 1]);
            }
            return new WorkerArgs(Path.of(required(options, "calls")), Path.of(required(options, "warmup")),
                    Path.of(required(options, "workspace")), Integer.parseInt(required(options, "worker")),
                    Integer.parseInt(required(options, "workers")), Integer.parseInt(required(options, "in-flight")),
                    Backend.fromPropertyName(required(options, "backend")),
                    "toolcall".equals(options.getOrDefault("api", "spawn")),
                    yesOrNo(options.getOrDefault("settle-jit", "no")));
        }

        private static boolean yesOrNo(String value) {
            if (!value.equals("yes") && !value.equals("no")) {
                throw new IllegalArgumentException("worker: --settle-jit is yes or no, got " + value);
            }
            return value.equals("yes");
        }

        private static String required(Map<String, String> options, String name) {
            String value = options.get(name);
            if (value == null) {
                throw new IllegalArgumentException("worker: --" + name + " is required");
            }
            return value;
        }
    }

    public WorkerSession(WorkerArgs args) {
        this.args = args;
    }

    /** Runs the session; returns the process exit code. */
    public int run() {
        try {
            return runChecked();
        } catch (Exception e) {
            fail(e.getClass().getSimpleName() + ": " + e.getMessage());
            e.printStackTrace();
            return 2;
        }
    }

    private int runChecked() throws Exception {
        String forced = System.getProperty("spawn.backend");
        if (forced == null || Backend.fromPropertyName(forced) != args.backend()) {
            fail("-Dspawn.backend=" + forced + " does not force --backend " + args.backend().propertyName());
            return 2;
        }
        Spawner spawner = Spawner.system();
        if (!spawner.backends().equals(List.of(args.backend()))) {
            fail("Spawner.system() uses " + spawner.backends() + ", not only " + args.backend());
            return 2;
        }
        List<CallFile.Entry> timed = new ArrayList<>();
        for (CallFile.Entry entry : CallFile.read(args.calls())) {
            if (entry.call().index() % args.workers() == args.worker()) {
                timed.add(entry);
            }
        }
        List<CallFile.Entry> warmup = CallFile.read(args.warmup());
        Map<Path, SpawnTemplate> templates = new LinkedHashMap<>();
        ExecutorService callers = Executors.newFixedThreadPool(args.inFlight());
        ExecutorService stderrReaders = Executors.newFixedThreadPool(args.inFlight(), daemon("stderr"));
        try {
            for (List<CallFile.Entry> entries : List.of(warmup, timed)) {
                for (CallFile.Entry entry : entries) {
                    if (!templates.containsKey(entry.executable())) {
                        SpawnTemplate template = spawner.template(entry.executable());
                        templates.put(entry.executable(), template);
                        if (template.backend() != args.backend()) {
                            fail("template for " + entry.executable() + " is served by " + template.backend()
                                    + ", not " + args.backend());
                            return 2;
                        }
                    }
                }
            }
            CallRunner runner = new CallRunner(args.workspace(), args.backend(), stderrReaders, args.toolCall());
            // Used before the warm-up, not first between GO and the first timed call: JNA's and
            // the /proc readers' first use loads and reflects enough to deoptimize JIT code the
            // calls share (ThreadLocal.get, FutureTask.run, ...), which the timed calls would then
            // pay for.
            ProcessCpuClock.nanos();
            CompilerCpu.now();
            BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            if (!warmUp(warmup, templates, runner, callers, new WarmupProgress(this::send))) {
                return 2;
            }
            // The compiler threads' samples list /proc/self/task, milliseconds with many
            // threads: taken before READY and after DONE, outside the runner's GO-to-DONE window.
            CompilerCpu jitStart = CompilerCpu.now();
            send(WorkerProtocol.READY);
            String go = stdin.readLine();
            if (!WorkerProtocol.GO.equals(go)) {
                fail("expected " + WorkerProtocol.GO + " on stdin, got " + go);
                return 2;
            }
            long cpuStart = ProcessCpuClock.nanos();
            long start = System.nanoTime();
            List<CallOutcome> outcomes = runAll(timed, templates, runner, callers, null);
            long elapsed = System.nanoTime() - start;
            long cpu = ProcessCpuClock.nanos() - cpuStart;
            send(WorkerProtocol.DONE + " " + elapsed + " " + outcomes.size() + " " + cpu);
            CompilerCpu jitEnd = CompilerCpu.now();
            send(WorkerProtocol.JIT + " " + (jitStart == null || jitEnd == null ? -1 : jitEnd.nanosSince(jitStart)));
            for (CallOutcome outcome : outcomes) {
                out.println(WorkerProtocol.PREFIX + outcome.toLine());
            }
            send(WorkerProtocol.STATS + " " + spawner.stats().toString().replaceAll("\\s+", " "));
            send(WorkerProtocol.END);
            return 0;
        } finally {
            callers.shutdownNow();
            stderrReaders.shutdownNow();
            templates.values().forEach(SpawnTemplate::close);
        }
    }

    /**
     * Runs the warm-up calls, then, with {@code --settle-jit yes}, batches of them again until two
     * in a row leave the JIT compiler threads on CPU for under 2% of their time (for at most 30
     * batches or {@link #SETTLE_LIMIT_NANOS}): on 2 saturated
     * cores the compilers reach the library's hot paths late, and the timed calls would otherwise
     * share the machine with compiles (seen: 2-4 s of C2 time in a 9 s window after 8,000 warm-up
     * calls).
     */
    private boolean warmUp(List<CallFile.Entry> warmup, Map<Path, SpawnTemplate> templates, CallRunner runner,
            ExecutorService callers, WarmupProgress progress) throws Exception {
        if (!succeeded(runAll(warmup, templates, runner, callers, progress))) {
            return false;
        }
        if (!args.settleJit()) {
            return true;
        }
        if (warmup.isEmpty() || CompilerCpu.now() == null) {
            System.err.printf("worker %d: cannot settle the JIT: %s%n", args.worker(), warmup.isEmpty()
                    ? "no warm-up calls" : "no compiler thread CPU in /proc/self/task");
            return true;
        }
        List<CallFile.Entry> batch = new ArrayList<>(RunnerOptions.SETTLE_BATCH);
        for (int i = 0; i < RunnerOptions.SETTLE_BATCH; i++) {
            batch.add(warmup.get(i % warmup.size()));
        }
        int quiet = 0;
        long settleStart = System.nanoTime();
        for (int round = 1; round <= SETTLE_BATCHES && System.nanoTime() - settleStart < SETTLE_LIMIT_NANOS;
                round++) {
            CompilerCpu jitStart = CompilerCpu.now();
            long start = System.nanoTime();
            if (!succeeded(runAll(batch, templates, runner, callers, progress))) {
                return false;
            }
            long wall = System.nanoTime() - start;
            CompilerCpu jitEnd = CompilerCpu.now();
            long jit = jitStart == null || jitEnd == null ? wall : jitEnd.nanosSince(jitStart);
            quiet = jit * 50 < wall ? quiet + 1 : 0;
            if (quiet == 2) {
                System.err.printf("worker %d: JIT settled after %d more warm-up calls (compiler threads %d ms on"
                        + " CPU in the last %d ms)%n", args.worker(), round * RunnerOptions.SETTLE_BATCH,
                        jit / 1_000_000, wall / 1_000_000);
                return true;
            }
        }
        System.err.printf("worker %d: JIT still compiling after %.0f s of more warm-up calls%n", args.worker(),
                (System.nanoTime() - settleStart) / 1e9);
        return true;
    }

    private boolean succeeded(List<CallOutcome> outcomes) {
        for (CallOutcome outcome : outcomes) {
            if (outcome.error() != null) {
                fail("warm-up call #" + outcome.index() + " failed: " + outcome.error());
                return false;
            }
        }
        return true;
    }

    /**
     * Runs {@code entries} with the pool's threads each taking the next call until none is left;
     * while they do, tells {@code progress} (null for the timed calls) each second how many have
     * started. The lanes' own code is the same either way, so the JIT compiles the timed calls'
     * path as the warm-up ran it.
     */
    private List<CallOutcome> runAll(List<CallFile.Entry> entries, Map<Path, SpawnTemplate> templates,
            CallRunner runner, ExecutorService callers, WarmupProgress progress) throws Exception {
        CallOutcome[] outcomes = new CallOutcome[entries.size()];
        AtomicInteger next = new AtomicInteger();
        List<Future<?>> lanes = new ArrayList<>();
        for (int lane = 0; lane < args.inFlight(); lane++) {
            lanes.add(callers.submit(() -> {
                for (int i = next.getAndIncrement(); i < outcomes.length; i = next.getAndIncrement()) {
                    CallFile.Entry entry = entries.get(i);
                    outcomes[i] = runner.run(templates.get(entry.executable()), entry.call());
                }
            }));
        }
        for (Future<?> lane : lanes) {
            if (progress == null) {
                lane.get();
                continue;
            }
            while (!finished(lane)) {
                progress.started(Math.min(next.get(), outcomes.length));
            }
        }
        if (progress != null) {
            progress.batchDone(outcomes.length);
        }
        return List.of(outcomes);
    }

    /** Waits up to {@link WarmupProgress#INTERVAL_MILLIS} for {@code lane}; whether it has finished. */
    private static boolean finished(Future<?> lane) throws Exception {
        try {
            lane.get(WarmupProgress.INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException stillRunning) {
            return false;
        }
    }

    private void send(String line) {
        out.println(WorkerProtocol.PREFIX + line);
        out.flush();
    }

    private void fail(String message) {
        send(WorkerProtocol.FAIL + " " + message.replaceAll("\\s+", " "));
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
