package dev.spawn.bench.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** SIGKILLs processes in the order given and waits for them to be gone. */
final class ProcessKiller {
    /** How often a wait looks again whether a process became a zombie. */
    private static final long POLL_MILLIS = 20;

    private ProcessKiller() {
    }

    /**
     * Kills {@code processes}, then waits, up to {@code wait} for all of them together, for each
     * to exit; returns those still running after it (SIGKILL takes milliseconds, so none but in a
     * broken kernel). A zombie counts as gone: a killed worker's tools pass to PID 1, and where
     * that is a process that never reaps (a JVM as a container's first process) they stay
     * zombies, which {@link ProcessHandle#isAlive()} calls alive.
     */
    static List<ProcessHandle> killAndWait(List<ProcessHandle> processes, Duration wait) throws InterruptedException {
        processes.forEach(ProcessHandle::destroyForcibly);
        long deadline = System.nanoTime() + wait.toNanos();
        List<ProcessHandle> alive = new ArrayList<>();
        for (ProcessHandle process : processes) {
            if (!awaitGone(process, deadline)) {
                alive.add(process);
            }
        }
        return alive;
    }

    private static boolean awaitGone(ProcessHandle process, long deadline) throws InterruptedException {
        while (!isZombie(process.pid())) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return !process.isAlive();
            }
            try {
                process.onExit().get(Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, POLL_MILLIS),
                        TimeUnit.MILLISECONDS);
                return true;
            } catch (TimeoutException e) {
                // look again whether it is a zombie
            } catch (ExecutionException e) {
                return !process.isAlive();
            }
        }
        return true;
    }

    /** Whether {@code pid} is a zombie: its state in {@code /proc/PID/stat}, after the name's ')'. */
    static boolean isZombie(long pid) {
        try {
            // a name need not be UTF-8: one byte a char keeps ')' and the state where they are
            String stat = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "stat")),
                    StandardCharsets.ISO_8859_1);
            int close = stat.lastIndexOf(')');
            return close >= 0 && close + 2 < stat.length() && stat.charAt(close + 2) == 'Z';
        } catch (IOException gone) {
            return false;
        }
    }
}
