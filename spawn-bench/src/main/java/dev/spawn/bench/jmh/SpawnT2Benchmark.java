package dev.spawn.bench.jmh;

import org.openjdk.jmh.annotations.Threads;

/** {@link SpawnBenchmark} with 2 thread(s) spawning at once. */
@Threads(2)
public class SpawnT2Benchmark extends SpawnBenchmark {
}
