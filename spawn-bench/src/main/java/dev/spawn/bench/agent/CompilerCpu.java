package dev.spawn.bench.agent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time of this JVM's JIT compiler threads at one moment, by thread, read from
 * {@code /proc/self/task}. The management bean's compilation time counts a compile only when it
 * ends, so a long one in progress (seen: 2.4 s for one method on a starved core) looks like an
 * idle compiler; the threads' own CPU time does not.
 *
 * @param nanosByThread each compiler thread's time on CPU so far, by thread id
 */
record CompilerCpu(Map<Long, Long> nanosByThread) {
    private static final Path TASKS = Path.of("/proc/self/task");

    CompilerCpu {
        nanosByThread = Map.copyOf(nanosByThread);
    }

    /**
     * The compiler threads' CPU now, or null when {@code /proc} cannot tell: no thread named as
     * HotSpot names them ("C1 CompilerThread0", "C2 CompilerThread1", ...; a JVMCI compiler is
     * not counted), or none with a figure (a kernel without schedstats prints zeros).
     */
    static CompilerCpu now() {
        Map<Long, Long> nanos = new HashMap<>();
        try (Stream<Path> tasks = Files.list(TASKS)) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                long time = compilerNanos(task);
                if (time >= 0) {
                    nanos.put(Long.parseLong(task.getFileName().toString()), time);
                }
            }
        } catch (IOException | UncheckedIOException | NumberFormatException e) {
            return null;
        }
        return nanos.values().stream().anyMatch(time -> time > 0) ? new CompilerCpu(nanos) : null;
    }

    /**
     * The compiler threads' CPU between {@code earlier} and this moment. A thread born since
     * counts in full; one HotSpot retired since (it retires idle ones) takes its share along.
     */
    long nanosSince(CompilerCpu earlier) {
        long total = 0;
        for (Map.Entry<Long, Long> thread : nanosByThread.entrySet()) {
            total += Math.max(0, thread.getValue() - earlier.nanosByThread.getOrDefault(thread.getKey(), 0L));
        }
        return total;
    }

    /** A thread's time on CPU when it is a compiler thread, -1 when it is not or has just ended. */
    private static long compilerNanos(Path task) {
        try {
            String name = Files.readString(task.resolve("comm"));
            if (!name.startsWith("C1 CompilerThre") && !name.startsWith("C2 CompilerThre")) {
                return -1;
            }
            String schedstat = Files.readString(task.resolve("schedstat"));
            return Long.parseLong(schedstat.substring(0, schedstat.indexOf(' ')));
        } catch (IOException ended) {
            return -1;
        }
    }
}
