package dev.spawn.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spawn.Backend;
import dev.spawn.SpawnProcessBuilder;
import dev.spawn.SpawnedProcess;
import java.lang.ProcessBuilder.Redirect;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 1,000 children alive at once cost the JVM no thread each (ProcessBuilder's reaper would add
 * one per child): the thread count may grow by a handful at most, and every child is reaped with
 * its own exit code.
 *
 * <p>File descriptors: each child keeps a stdin pipe end and a pidfd in this JVM (2,000 fds);
 * stdout and stderr go to /dev/null. The test checks the soft RLIMIT_NOFILE leaves room first
 * (the JVM raises it to the hard limit on Linux).
 */
class SpawnProcessBuilderScaleTest {
    private static final int CHILDREN = 1_000;
    private static final int HANDFUL = 5;

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void thousandChildrenAliveAtOnceWithoutAThreadEach() throws Exception {
        long limit = openFileLimit();
        assertTrue(limit >= 3 * CHILDREN, "RLIMIT_NOFILE " + limit + " is too low for " + CHILDREN + " children");
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        // warm up: the reaper and cleaner threads start with the first child
        Process first = new SpawnProcessBuilder("true").start();
        assertEquals(0, first.waitFor());
        int before = threads.getThreadCount();

        List<Process> children = new ArrayList<>(CHILDREN);
        try {
            for (int i = 0; i < CHILDREN; i++) {
                // each child waits for its stdin to close, then exits with its own code
                children.add(new SpawnProcessBuilder("/bin/sh", "-c", "read x; exit $1", "sh", String.valueOf(i % 200))
                        .redirectOutput(Redirect.DISCARD).redirectError(Redirect.DISCARD).start());
            }
            int peak = threads.getThreadCount();
            for (Process child : children) {
                assertEquals(Backend.USERSPACE, ((SpawnedProcess) child).backend());
                assertTrue(child.isAlive(), "child " + child.pid() + " exited early");
            }
            assertTrue(peak - before <= HANDFUL, "threads grew from " + before + " to " + peak + " for "
                    + CHILDREN + " live children");

            for (int i = 0; i < CHILDREN; i++) {
                if (i % 10 == 9) {
                    children.get(i).destroyForcibly();
                } else {
                    children.get(i).getOutputStream().close();
                }
            }
            for (int i = 0; i < CHILDREN; i++) {
                Process child = children.get(i);
                assertTrue(child.waitFor(60, TimeUnit.SECONDS), "child " + i + " was not reaped");
                assertEquals(i % 10 == 9 ? 137 : i % 200, child.exitValue(), "exit code of child " + i);
            }
            assertTrue(threads.getThreadCount() - before <= HANDFUL, "threads after reaping: "
                    + threads.getThreadCount() + ", before " + before);
        } finally {
            for (Process child : children) {
                child.destroyForcibly();
            }
        }
    }

    private static long openFileLimit() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
            if (line.startsWith("Max open files")) {
                String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
            }
        }
        throw new IllegalStateException("no \"Max open files\" in /proc/self/limits");
    }
}
