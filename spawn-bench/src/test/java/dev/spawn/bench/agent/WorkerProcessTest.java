package dev.spawn.bench.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner's wait for a worker's READY, against stand-in workers speaking {@link WorkerProtocol}. */
class WorkerProcessTest {
    @Test
    void aWarmUpLongerThanThePatienceRunsOnWhileTheWorkerReportsIt(@TempDir Path dir) throws Exception {
        WorkerProcess worker = WorkerProcess.start("w", List.of("sh", "-c", "for i in 1 2 3 4 5 6; do"
                + " echo \"@@ WARMING $i\"; sleep 0.5; done; echo '@@ READY'; read go;"
                + " echo '@@ DONE 5 0 -1'; echo '@@ STATS s'; echo '@@ END'"), dir.resolve("w.log"));
        try {
            long start = System.nanoTime();
            worker.awaitReady(Duration.ofSeconds(2), Duration.ofHours(1), () -> { });
            assertTrue(System.nanoTime() - start > 2_500_000_000L, "the warm-up outlasted the 2 s patience");
            worker.go();
            worker.awaitDone(10);
            assertEquals(List.of(), worker.awaitEnd(10));
        } finally {
            worker.kill();
        }
    }

    @Test
    void aLongWarmUpIsReportedAsItGoes(@TempDir Path dir) throws Exception {
        WorkerProcess worker = WorkerProcess.start("w", List.of("sh", "-c", "for i in 10 20 30 40 50; do"
                + " echo \"@@ WARMING $i\"; sleep 0.4; done; echo '@@ READY'; sleep 30"), dir.resolve("w.log"));
        List<Long> reported = new java.util.concurrent.CopyOnWriteArrayList<>();
        try {
            worker.awaitReady(Duration.ofSeconds(10), Duration.ofMillis(500), () -> reported.add(worker.warmupStarted()));
        } finally {
            worker.kill();
        }
        assertTrue(reported.size() >= 2 && reported.size() <= 5, "about every 0.5 s of 2 s: " + reported);
        assertTrue(reported.get(0) >= 10 && reported.get(reported.size() - 1) > reported.get(0),
                "how far it got, growing: " + reported);
    }

    @Test
    void aWorkerSilentForThePatienceIsGivenUpOn(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("w.log");
        WorkerProcess worker = WorkerProcess.start("w", List.of("sh", "-c", "echo '@@ WARMING 3'; exec sleep 30"),
                log);
        try {
            long start = System.nanoTime();
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> worker.awaitReady(Duration.ofSeconds(1), Duration.ofHours(1), () -> { }));
            assertEquals("worker w did not warm up: it has said nothing for 1 s, after starting 3 warm-up calls"
                    + " (see " + log + ")", e.getMessage());
            assertTrue(System.nanoTime() - start < 10_000_000_000L);
        } finally {
            worker.kill();
        }
    }

    @Test
    void killingAWorkerKillsTheToolsItRunsToo(@TempDir Path dir) throws Exception {
        Path pidFile = dir.resolve("tool.pid");
        WorkerProcess worker = WorkerProcess.start("w", List.of("sh", "-c", "sleep 60 & echo $! > " + pidFile
                + ".new; mv " + pidFile + ".new " + pidFile + "; wait"), dir.resolve("w.log"));
        for (int i = 0; i < 100 && !Files.exists(pidFile); i++) {
            Thread.sleep(100);
        }
        ProcessHandle tool = ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim())).orElseThrow();

        worker.kill();

        // dead: gone, or a zombie its new parent has not reaped yet
        // (alive again after the zombie check: its reap in between removes it from /proc)
        assertFalse(tool.isAlive() && !ProcessKiller.isZombie(tool.pid()) && tool.isAlive(),
                "the worker's tool " + tool.pid() + " outlived it");
    }

    @Test
    void aWorkerStoppedByCtrlCIsAnInterruptionNotAFailure(@TempDir Path dir) throws Exception {
        WorkerProcess worker = WorkerProcess.start("w", List.of("sh", "-c", "kill -INT $$; sleep 5"),
                dir.resolve("w.log"));
        try {
            WorkerInterrupted e = assertThrows(WorkerInterrupted.class,
                    () -> worker.awaitReady(Duration.ofSeconds(10), Duration.ofHours(1), () -> { }));
            assertEquals("worker w was stopped by signal 2", e.getMessage());
        } finally {
            worker.kill();
        }
    }
}
