package dev.spawn.bench.jmh;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The first {@code /bin/true} a fresh JVM starts (start, read all, waitFor), one shot per fork:
 * what a build tool or a command-line program that spawns a few children pays, where
 * {@link DropInBenchmark} measures the steady state of a long-lived one. For SpawnProcessBuilder
 * it includes loading JNA and the shim, probing the backends and starting the reaper thread; for
 * ProcessBuilder, loading its process classes. Each fork has already loaded JMH's own classes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 0)
@Measurement(iterations = 1)
@Fork(20)
public class FirstStartBenchmark {
    /** Which builder starts the child. */
    @Param({"processbuilder", "spawn"})
    public String builder;

    @Benchmark
    public long binTrue() throws IOException, InterruptedException {
        return DropInBenchmark.startReadWait(builder, List.of("/bin/true"));
    }
}
