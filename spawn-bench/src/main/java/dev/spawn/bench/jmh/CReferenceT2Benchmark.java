package dev.spawn.bench.jmh;

import org.openjdk.jmh.annotations.Threads;

/** {@link CReferenceBenchmark} with 2 loop(s) at once, so 2 spawn(s) in flight. */
@Threads(2)
public class CReferenceT2Benchmark extends CReferenceBenchmark {
}
