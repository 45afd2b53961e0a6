package dev.spawn.bench.jmh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The C reference beside {@link SpawnBenchmark}, in the same JMH run: each invocation runs
 * {@code spawn-loop} (built from src-c: the shim's own userspace spawn with no JVM around it)
 * for {@value #SPAWNS} spawns with one in flight, so N JMH threads keep N spawns in flight, and
 * the children get the same setup as {@link SpawnBenchmark}'s (empty mask, dup2 of /dev/null or
 * a drained stdout pipe). One extra process start per {@value #SPAWNS} spawns is the cost of
 * measuring it this way.
 *
 * <p>The loop is {@code $SPAWN_BENCH_CLOOP}, else {@code spawn-native/target/native/spawn-loop}
 * under the working directory.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public abstract class CReferenceBenchmark {
    static final int SPAWNS = 200;

    private Path loop;
    private Path smallFile;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        String configured = System.getenv("SPAWN_BENCH_CLOOP");
        loop = Path.of(configured != null ? configured : "spawn-native/target/native/spawn-loop").toAbsolutePath();
        if (!Files.isExecutable(loop)) {
            throw new IllegalStateException("no C reference loop at " + loop
                    + ": build with mvn package, run from the repository root or set SPAWN_BENCH_CLOOP");
        }
        smallFile = SmallFile.create();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        Files.deleteIfExists(smallFile);
    }

    /** {@code /bin/true} with all three streams on /dev/null, as {@link SpawnBenchmark#spawnTrue()}. */
    @Benchmark
    @OperationsPerInvocation(SPAWNS)
    public int spawnTrue() throws IOException, InterruptedException {
        return run("/bin/true", "null");
    }

    /** {@code cat} of the same small file into a drained pipe, as {@link SpawnBenchmark#catSmallFile()}. */
    @Benchmark
    @OperationsPerInvocation(SPAWNS)
    public int catSmallFile() throws IOException, InterruptedException {
        return run("/bin/cat", "pipe", smallFile.toString());
    }

    private int run(String program, String mode, String... args) throws IOException, InterruptedException {
        String[] command = new String[5 + args.length];
        command[0] = loop.toString();
        command[1] = Integer.toString(SPAWNS);
        command[2] = "1";
        command[3] = program;
        command[4] = mode;
        System.arraycopy(args, 0, command, 5, args.length);
        Process process = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        int exit = process.waitFor();
        if (exit != 0) {
            throw new IllegalStateException(loop + " exited with " + exit);
        }
        return exit;
    }
}
