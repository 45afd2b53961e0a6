package dev.spawn.bench.jmh;

import org.openjdk.jmh.annotations.Threads;

/** {@link DropInBenchmark} with 1 thread(s) starting processes at once. */
@Threads(1)
public class DropInT1Benchmark extends DropInBenchmark {
}
