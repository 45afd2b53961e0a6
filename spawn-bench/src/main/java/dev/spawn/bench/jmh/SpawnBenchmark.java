package dev.spawn.bench.jmh;

import dev.spawn.Backend;
import dev.spawn.SpawnRequest;
import dev.spawn.SpawnTemplate;
import dev.spawn.Spawner;
import dev.spawn.SpawnedProcess;
import dev.spawn.Stdio;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * Spawn-and-wait throughput per backend. The thread count comes from the concrete subclass
 * ({@link SpawnT1Benchmark}, {@link SpawnT2Benchmark}, {@link SpawnT16Benchmark}); all threads share
 * the templates, created once per trial, as an application would.
 *
 * <p>A backend this machine lacks (KERNEL_TEMPLATE without the RFC kernel) fails its trial in
 * setup with the reason; leave it out with {@code -p backend=processbuilder,userspace}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xss1m"})
public abstract class SpawnBenchmark {
    private static final Path TRUE = Path.of("/bin/true");
    private static final Path CAT = Path.of("/bin/cat");
    private static final Path SH = Path.of("/bin/sh");

    @Param({"processbuilder", "userspace", "kernel"})
    public String backend;

    private Path smallFile;
    private SpawnTemplate trueTemplate;
    private SpawnTemplate catTemplate;
    private SpawnTemplate shTemplate;
    private SpawnRequest trueRequest;
    private SpawnRequest catRequest;
    private SpawnRequest shRequest;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Backend wanted = Backend.fromPropertyName(backend);
        Spawner spawner;
        try {
            spawner = Spawner.using(wanted);
        } catch (IllegalStateException e) {
            throw new IllegalStateException(e.getMessage()
                    + " -- leave it out with -p backend=processbuilder,userspace", e);
        }
        smallFile = SmallFile.create();
        trueTemplate = checked(spawner.template(TRUE), wanted);
        catTemplate = checked(spawner.template(CAT), wanted);
        shTemplate = checked(spawner.template(SH), wanted);
        trueRequest = SpawnRequest.builder("true").stdin(Stdio.discard()).stdout(Stdio.discard())
                .stderr(Stdio.discard()).build();
        catRequest = SpawnRequest.builder("cat", smallFile.toString()).stdin(Stdio.discard()).stdout(Stdio.pipe())
                .stderr(Stdio.discard()).build();
        shRequest = SpawnRequest.builder("sh", "-c", "echo a | cat").stdin(Stdio.discard()).stdout(Stdio.pipe())
                .stderr(Stdio.discard()).build();
    }

    private static SpawnTemplate checked(SpawnTemplate template, Backend wanted) {
        if (template.backend() != wanted) {
            template.close();
            throw new IllegalStateException(template + " is not served by " + wanted);
        }
        return template;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        for (SpawnTemplate template : new SpawnTemplate[] {trueTemplate, catTemplate, shTemplate}) {
            if (template != null) {
                template.close();
            }
        }
        if (smallFile != null) {
            Files.deleteIfExists(smallFile);
        }
    }

    /** Spawn {@code /bin/true} with all three streams on /dev/null and wait for it. */
    @Benchmark
    public int spawnTrue() throws IOException, InterruptedException {
        return expectZero(trueTemplate.spawn(trueRequest).waitFor());
    }

    /** {@code cat} of an 832-byte file into a pipe drained to its end, then wait. */
    @Benchmark
    public long catSmallFile() throws IOException, InterruptedException {
        return drainAndWait(catTemplate.spawn(catRequest));
    }

    /** {@code sh -c 'echo a | cat'}: a shell that itself spawns two children, output drained. */
    @Benchmark
    public long shPipeline() throws IOException, InterruptedException {
        return drainAndWait(shTemplate.spawn(shRequest));
    }

    private static long drainAndWait(SpawnedProcess process) throws IOException, InterruptedException {
        long total = 0;
        byte[] buffer = new byte[8192];
        try (InputStream in = process.getInputStream()) {
            int count;
            while ((count = in.read(buffer)) > 0) {
                total += count;
            }
        }
        expectZero(process.waitFor());
        return total;
    }

    private static int expectZero(int exit) {
        if (exit != 0) {
            throw new IllegalStateException("child exited with " + exit);
        }
        return exit;
    }
}
