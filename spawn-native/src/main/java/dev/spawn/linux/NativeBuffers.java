package dev.spawn.linux;

import com.sun.jna.Memory;

/**
 * One native buffer per thread for pipe reads and writes. A buffer per stream meant a malloc,
 * a free and a Cleaner registration for every child's stdout and stderr; a thread reads or
 * writes one pipe at a time, so one buffer of its own is enough.
 */
final class NativeBuffers {
    static final int SIZE = 16 * 1024;

    private static final ThreadLocal<Memory> LOCAL = ThreadLocal.withInitial(() -> new Memory(SIZE));

    private NativeBuffers() {
    }

    /** This thread's buffer of {@link #SIZE} bytes. */
    static Memory local() {
        return LOCAL.get();
    }
}
