package dev.spawn.bench.jmh;

import org.openjdk.jmh.annotations.Threads;

/** {@link SpawnBenchmark} with 1 thread(s) spawning at once. */
@Threads(1)
public class SpawnT1Benchmark extends SpawnBenchmark {
}
