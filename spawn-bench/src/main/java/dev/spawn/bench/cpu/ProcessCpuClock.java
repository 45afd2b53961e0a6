package dev.spawn.bench.cpu;

import com.sun.jna.Library;
import com.sun.jna.Native;

/**
 * The CPU time of every thread of this process, live or exited, in ns, from
 * clock_gettime(CLOCK_PROCESS_CPUTIME_ID). Not the JDK's {@code getProcessCpuTime()}: on Linux
 * JDK 17 reads times(2), in 10 ms clock ticks, which is nothing or one tick for a few spawns.
 */
public final class ProcessCpuClock {
    private static final int CLOCK_PROCESS_CPUTIME_ID = 2;

    private ProcessCpuClock() {
    }

    /** libc's clock_gettime. */
    interface LibC extends Library {
        LibC INSTANCE = Native.load("c", LibC.class);

        /** {@code timespec} on x86_64 is two longs: seconds, nanoseconds. */
        int clock_gettime(int clock, long[] timespec);
    }

    /**
     * @throws IllegalStateException if the clock cannot be read
     */
    public static long nanos() {
        long[] timespec = new long[2];
        if (LibC.INSTANCE.clock_gettime(CLOCK_PROCESS_CPUTIME_ID, timespec) != 0) {
            throw new IllegalStateException("clock_gettime(CLOCK_PROCESS_CPUTIME_ID) failed: errno "
                    + Native.getLastError());
        }
        return timespec[0] * 1_000_000_000L + timespec[1];
    }
}
