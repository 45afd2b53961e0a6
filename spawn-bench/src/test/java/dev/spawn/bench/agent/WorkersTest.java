package dev.spawn.bench.agent;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shutdown's stop against the run's thread starting workers, the moment between them held open by latches. */
class WorkersTest {
    @Test
    void aStopThatComesWhileAWorkerStartsKillsItAndItsToolOnceStarted(@TempDir Path dir) throws Exception {
        Path pids = dir.resolve("pids");
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Workers workers = new Workers((name, command, log) -> {
            WorkerProcess worker = WorkerProcess.start(name, command, log);
            try {
                // its tool is running when READY comes: the pids are written before it
                worker.awaitReady(Duration.ofSeconds(10), Duration.ofHours(1), () -> { });
                started.countDown();
                release.await();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            return worker;
        });
        AtomicReference<WorkerProcess> worker = new AtomicReference<>();
        Thread run = start("run", () -> worker.set(workers.start("w", List.of("sh", "-c", "sleep 60 & echo $$ $! > "
                + pids + "; echo '@@ READY'; wait"), dir.resolve("w.log"))));
        try {
            assertTrue(started.await(10, TimeUnit.SECONDS), "the worker started");
            Thread stop = start("stop", workers::stop);
            awaitBlocked(stop);
            release.countDown();
            run.join();
            stop.join();

            assertNotNull(worker.get(), "its start, begun before the stop, finished");
            for (String pid : Files.readString(pids).trim().split(" ")) {
                ProcessHandle process = ProcessHandle.of(Long.parseLong(pid)).orElse(null);
                // dead: gone, or a zombie not reaped yet (alive again after the zombie check: reaped in between)
                assertFalse(process != null && process.isAlive() && !ProcessKiller.isZombie(process.pid())
                        && process.isAlive(), "process " + pid + " of the worker outlived the stop");
            }
            assertThrows(WorkerInterrupted.class, () -> workers.start("w2", List.of("sleep", "60"),
                    dir.resolve("w2.log")), "none starts after the stop");
        } finally {
            // a failed test leaves nothing running
            release.countDown();
            run.join();
            if (worker.get() != null) {
                worker.get().kill();
            }
        }
    }

    private interface Body {
        void run() throws Exception;
    }

    private static Thread start(String name, Body body) {
        Thread thread = new Thread(() -> {
            try {
                body.run();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }, name);
        thread.start();
        return thread;
    }

    /** Waits until {@code thread} waits for the lock the starting worker holds. */
    private static void awaitBlocked(Thread thread) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (Thread.State state = thread.getState(); state != Thread.State.BLOCKED; state = thread.getState()) {
            assertTrue(state != Thread.State.TERMINATED && System.nanoTime() < deadline,
                    "the stop did not wait for the start: " + state);
            Thread.onSpinWait();
        }
    }
}
