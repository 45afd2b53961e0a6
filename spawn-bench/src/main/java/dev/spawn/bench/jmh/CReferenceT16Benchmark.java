package dev.spawn.bench.jmh;

import org.openjdk.jmh.annotations.Threads;

/** {@link CReferenceBenchmark} with 16 loop(s) at once, so 16 spawn(s) in flight. */
@Threads(16)
public class CReferenceT16Benchmark extends CReferenceBenchmark {
}
