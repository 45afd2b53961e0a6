package dev.spawn.bench.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * CPU time of this JVM's JIT compiler threads, read from {@code /proc/self/task}. The management
 * bean's compilation time counts a compile only when it ends, so a long one in progress (seen:
 * 2.4 s for one method on a starved core) looks like an idle compiler; the threads' own CPU time
 * does not.
 */
final class CompilerCpu {
    private static final Path TASKS = Path.of("/proc/self/task");

    private CompilerCpu() {
    }

    /**
     * Nanoseconds on CPU of the compiler threads alive now, or -1 when {@code /proc} cannot tell.
     * HotSpot may retire an idle compiler thread, taking its time with it: callers clamp a
     * negative difference to 0.
     */
    static long nanos() {
        long total = 0;
        try (Stream<Path> tasks = Files.list(TASKS)) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                total += compilerNanos(task);
            }
        } catch (IOException | UncheckedIOException e) {
            return -1;
        }
        return total;
    }

    /** A thread's time on CPU when it is a compiler thread (comm "C1 CompilerThre..." or "C2 ..."), else 0. */
    private static long compilerNanos(Path task) {
        try {
            String name = Files.readString(task.resolve("comm"));
            if (!name.startsWith("C1 CompilerThre") && !name.startsWith("C2 CompilerThre")) {
                return 0;
            }
            String schedstat = Files.readString(task.resolve("schedstat"));
            return Long.parseLong(schedstat.substring(0, schedstat.indexOf(' ')));
        } catch (IOException | RuntimeException gone) {
            // the thread ended between the listing and the read
            return 0;
        }
    }
}
