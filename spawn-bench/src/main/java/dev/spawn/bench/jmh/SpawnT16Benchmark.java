package dev.spawn.bench.jmh;

import org.openjdk.jmh.annotations.Threads;

/** {@link SpawnBenchmark} with 16 thread(s) spawning at once. */
@Threads(16)
public class SpawnT16Benchmark extends SpawnBenchmark {
}
