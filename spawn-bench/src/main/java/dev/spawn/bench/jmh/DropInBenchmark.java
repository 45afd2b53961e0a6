package dev.spawn.bench.jmh;

import dev.spawn.SpawnProcessBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * java.lang.ProcessBuilder against SpawnProcessBuilder for the same command lines, the way
 * callers use them: start, read all of stdout and stderr, waitFor. Default redirects (three
 * pipes) and, but for {@link #binTrue()}, command names resolved on PATH, as a drop-in user
 * would have them. The thread
 * count comes from {@link DropInT1Benchmark} and {@link DropInT16Benchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public abstract class DropInBenchmark {
    /** Which builder starts the children. */
    @Param({"processbuilder", "spawn"})
    public String builder;

    private Path smallFile;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        smallFile = SmallFile.create();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        Files.deleteIfExists(smallFile);
    }

    /** {@code true}: nothing but the start, the empty pipes and the wait. */
    @Benchmark
    public long trueCommand() throws IOException, InterruptedException {
        return run(List.of("true"));
    }

    /**
     * {@code /bin/true} by its absolute path: the same start with no PATH search, for either
     * builder (ProcessBuilder's child then makes one execve instead of one per PATH entry).
     */
    @Benchmark
    public long binTrue() throws IOException, InterruptedException {
        return run(List.of("/bin/true"));
    }

    /** {@code cat} of an 832-byte file. */
    @Benchmark
    public long catSmallFile() throws IOException, InterruptedException {
        return run(List.of("cat", smallFile.toString()));
    }

    /** {@code sh -c 'echo a | cat'}: a shell that spawns two children itself. */
    @Benchmark
    public long shPipeline() throws IOException, InterruptedException {
        return run(List.of("sh", "-c", "echo a | cat"));
    }

    private long run(List<String> command) throws IOException, InterruptedException {
        return startReadWait(builder, command);
    }

    /** Starts {@code command} with {@code builder} ({@code spawn} or not), reads all its output, waits for exit 0. */
    static long startReadWait(String builder, List<String> command) throws IOException, InterruptedException {
        Process process = "spawn".equals(builder) ? new SpawnProcessBuilder(command).start()
                : new ProcessBuilder(command).start();
        process.getOutputStream().close();
        long total = drain(process.getInputStream()) + drain(process.getErrorStream());
        int exit = process.waitFor();
        if (exit != 0) {
            throw new IllegalStateException(command + " exited with " + exit);
        }
        return total;
    }

    private static long drain(InputStream in) throws IOException {
        byte[] buffer = new byte[8192];
        long total = 0;
        try (in) {
            int count;
            while ((count = in.read(buffer)) > 0) {
                total += count;
            }
        }
        return total;
    }
}
