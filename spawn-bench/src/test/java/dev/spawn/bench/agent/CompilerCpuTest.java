package dev.spawn.bench.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CompilerCpuTest {
    @Test
    void aHotSpotJvmThatRanCodeHasSpentCompilerTime() {
        // the test runner itself got this JVM's compilers working long before this line
        CompilerCpu now = CompilerCpu.now();
        assertNotNull(now, "no C1/C2 compiler thread with a CPU figure in /proc/self/task");
        assertTrue(now.nanosByThread().values().stream().mapToLong(Long::longValue).sum() > 0, now.toString());
    }

    @Test
    void aNewThreadCountsInFullAndARetiredOneNeverMakesTheTotalNegative() {
        CompilerCpu earlier = new CompilerCpu(Map.of(1L, 100L, 2L, 500L));
        CompilerCpu later = new CompilerCpu(Map.of(1L, 130L, 3L, 40L));
        assertEquals(30 + 40, later.nanosSince(earlier));
    }
}
