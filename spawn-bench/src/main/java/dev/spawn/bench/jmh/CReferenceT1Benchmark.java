package dev.spawn.bench.jmh;

import org.openjdk.jmh.annotations.Threads;

/** {@link CReferenceBenchmark} with 1 loop(s) at once, so 1 spawn(s) in flight. */
@Threads(1)
public class CReferenceT1Benchmark extends CReferenceBenchmark {
}
