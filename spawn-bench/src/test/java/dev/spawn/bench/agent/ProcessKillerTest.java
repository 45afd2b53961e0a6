package dev.spawn.bench.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ProcessKillerTest {
    /**
     * A zombie whose parent never reaps it (here a shell that exec'd into {@code sleep}; in a
     * container, a JVM as PID 1 inheriting a killed worker's tools) is as good as gone.
     */
    @Test
    void aZombieNobodyReapsCountsAsGone() throws Exception {
        Process parent = new ProcessBuilder("sh", "-c", "sleep 0 & exec sleep 30").start();
        try {
            ProcessHandle zombie = awaitZombieChild(parent);
            List<ProcessHandle> alive = ProcessKiller.killAndWait(List.of(zombie), Duration.ofSeconds(5));
            assertEquals(List.of(), alive);
        } finally {
            parent.destroyForcibly().waitFor();
        }
    }

    @Test
    void aKilledProcessIsGone() throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "30").start();
        assertEquals(List.of(), ProcessKiller.killAndWait(List.of(sleeper.toHandle()), Duration.ofSeconds(5)));
        // killed, it may still be a zombie that the JDK's reaper thread has yet to collect: isAlive
        // says true until then
        assertTrue(sleeper.waitFor(5, TimeUnit.SECONDS), "the killed process was never reaped");
        assertEquals(137, sleeper.exitValue());
    }

    private static ProcessHandle awaitZombieChild(Process parent) throws InterruptedException {
        for (int i = 0; i < 500; i++) {
            List<ProcessHandle> children = parent.toHandle().children().toList();
            if (children.size() == 1 && ProcessKiller.isZombie(children.get(0).pid())) {
                return children.get(0);
            }
            Thread.sleep(10);
        }
        throw new AssertionError("the shell's background child did not become a zombie");
    }
}
