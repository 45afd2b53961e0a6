package dev.spawn.bench.agent;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CompilerCpuTest {
    @Test
    void aHotSpotJvmThatRanCodeHasSpentCompilerTime() {
        // the test runner itself got this JVM's compilers working long before this line
        long nanos = CompilerCpu.nanos();
        assertTrue(nanos > 0, "compiler threads' CPU: " + nanos);
    }
}
