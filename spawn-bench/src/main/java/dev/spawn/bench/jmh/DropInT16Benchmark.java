package dev.spawn.bench.jmh;

import org.openjdk.jmh.annotations.Threads;

/** {@link DropInBenchmark} with 16 thread(s) starting processes at once. */
@Threads(16)
public class DropInT16Benchmark extends DropInBenchmark {
}
