package dev.spawn.bench.cpu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ProcessCpuClockTest {
    @Test
    void ticksFinerThanTheTenMillisecondsOfTimes() {
        // the smallest of many steps: other threads (JIT, GC) may add their CPU to any one step
        long smallest = Long.MAX_VALUE;
        for (int step = 0; step < 100; step++) {
            long before = ProcessCpuClock.nanos();
            long after = before;
            while (after == before) {
                after = ProcessCpuClock.nanos();
            }
            smallest = Math.min(smallest, after - before);
        }
        assertTrue(smallest < 1_000_000, "the clock moved in steps of " + smallest + " ns or more");
    }
}
