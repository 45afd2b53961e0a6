package dev.spawn.bench.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunCleanupTest {
    private final ByteArrayOutputStream text = new ByteArrayOutputStream();
    private final PrintStream progress = new PrintStream(text, true, StandardCharsets.UTF_8);

    @Test
    void theEndOfARunRemovesItsFolderOnce(@TempDir Path dir) throws Exception {
        Path folder = Files.createDirectories(dir.resolve("run/workspace"));
        Files.writeString(folder.resolve("a.txt"), "a");
        RunCleanup cleanup = RunCleanup.install(dir.resolve("run"), false, "test", progress);
        cleanup.close();
        assertFalse(Files.exists(dir.resolve("run")));
        cleanup.onShutdown();
        cleanup.close();
        assertEquals("", text.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aShutdownDuringTheRunKillsTheWorkersAndCleansUpOnlyOnce(@TempDir Path dir) throws Exception {
        Path folder = Files.createDirectories(dir.resolve("run"));
        Process worker = new ProcessBuilder("sleep", "60").start();
        RunCleanup cleanup = RunCleanup.install(folder, true, "test", progress);

        cleanup.onShutdown();

        assertTrue(worker.waitFor(10, TimeUnit.SECONDS), "the worker was killed");
        cleanup.close();
        String said = text.toString(StandardCharsets.UTF_8);
        assertEquals(1, said.split("kept the workspace", -1).length - 1, said);
        assertTrue(Files.exists(folder), "--keep-workspace keeps it even then");
    }

    @Test
    void aWorkerTheRunStartsOnceTheShutdownHasBegunIsNotStarted(@TempDir Path dir) throws Exception {
        RunCleanup cleanup = RunCleanup.install(Files.createDirectories(dir.resolve("run")), false, "test", progress);

        cleanup.onShutdown();

        // the runner's thread goes on while the hook runs, into the next run's workers
        try {
            cleanup.workers().start("w", List.of("sleep", "60"), dir.resolve("w.log")).kill();
            fail("a worker started after the shutdown had killed the others: it would outlive the runner");
        } catch (WorkerInterrupted expected) {
            assertEquals("worker w not started: the run is being stopped", expected.getMessage());
        }
    }

    @Test
    void anInterruptedRunSaysSoInOneLineWhoeverCleansUp(@TempDir Path dir) throws Exception {
        RunCleanup byTheHook = RunCleanup.install(Files.createDirectories(dir.resolve("a")), false, "test", progress);
        byTheHook.onShutdown();
        byTheHook.close();
        RunCleanup byTheRun = RunCleanup.install(Files.createDirectories(dir.resolve("b")), false, "test", progress);
        byTheRun.markInterrupted();
        byTheRun.close();
        byTheRun.onShutdown();
        assertEquals("test: interrupted; cleaned up\ntest: interrupted; cleaned up\n",
                text.toString(StandardCharsets.UTF_8));
        assertFalse(Files.exists(dir.resolve("a")));
        assertFalse(Files.exists(dir.resolve("b")));
    }

    @Test
    void aRunThatCannotMakeItsLogsFolderLeavesNoTempFolder(@TempDir Path dir) throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("out"), "a file");
        Path temp = Files.createDirectories(dir.resolve("tmp"));
        int status = new AgentToolsCommand(progress, progress, temp).run(Preset.AGENT_TOOLS_LIGHT, List.of(
                "--backends", "processbuilder", "--splits", "1x1", "--calls", "1", "--out", notADirectory.toString()));
        assertEquals(2, status, text.toString(StandardCharsets.UTF_8));
        try (var left = Files.list(temp)) {
            assertEquals(List.of(), left.toList());
        }
    }

    @Test
    void theHookWaitsForTheSetUpToStopWritingBeforeItRemovesTheFolder(@TempDir Path dir) throws Exception {
        Path run = Files.createDirectories(dir.resolve("run"));
        RunCleanup cleanup = RunCleanup.install(run, false, "test", progress);
        CountDownLatch writing = new CountDownLatch(1);
        AtomicReference<Exception> failed = new AtomicReference<>();
        Thread setUp = new Thread(() -> {
            try {
                cleanup.beginSetUp();
                Files.writeString(run.resolve("calls.tsv"), "");
                writing.countDown();
                while (!cleanup.interrupted()) {
                    Thread.onSpinWait();
                }
                // the file being written as the hook begins: it lands after the hook has looked
                Thread.sleep(200);
                Files.createDirectories(run.resolve("workspace/src"));
                Files.writeString(run.resolve("workspace/src/late.py"), "");
                cleanup.endSetUp();
            } catch (Exception e) {
                failed.set(e);
            }
        });
        setUp.start();
        writing.await();

        cleanup.onShutdown();

        setUp.join();
        cleanup.close();
        assertEquals(null, failed.get());
        assertFalse(Files.exists(run), "the folder was removed under the set-up's writing and filled again: "
                + text.toString(StandardCharsets.UTF_8));
        assertEquals("test: interrupted; cleaned up\n", text.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aFixtureBeingBuiltAsTheShutdownBeginsStopsAndIsRemoved(@TempDir Path dir) throws Exception {
        Path run = Files.createDirectories(dir.resolve("run"));
        RunCleanup cleanup = RunCleanup.install(run, false, "test", progress);
        AtomicReference<Exception> stoppedWith = new AtomicReference<>();
        CountDownLatch started = new CountDownLatch(1);
        Thread setUp = new Thread(() -> {
            try {
                cleanup.beginSetUp();
                started.countDown();
                for (int seed = 0; ; seed++) {
                    Fixture.create(run.resolve("workspace" + seed), seed, null, cleanup::interrupted);
                }
            } catch (Exception e) {
                stoppedWith.set(e);
            } finally {
                cleanup.endSetUp();
            }
        });
        setUp.start();
        started.await();
        Thread.sleep(100);

        cleanup.onShutdown();

        setUp.join();
        cleanup.close();
        assertEquals("the fixture workspace was not finished: the run is being stopped", stoppedWith.get().getMessage());
        assertFalse(Files.exists(run), text.toString(StandardCharsets.UTF_8));
        assertEquals("test: interrupted; cleaned up\n", text.toString(StandardCharsets.UTF_8));
    }

    @Test
    void noSetUpStartsOnceTheRunIsBeingStopped(@TempDir Path dir) throws Exception {
        RunCleanup cleanup = RunCleanup.install(Files.createDirectories(dir.resolve("run")), false, "test", progress);
        cleanup.onShutdown();
        try {
            cleanup.beginSetUp();
            fail("a set-up began after the hook had removed the folder: it would write into nothing");
        } catch (java.io.InterruptedIOException expected) {
            assertEquals("the run is being stopped", expected.getMessage());
        }
    }
}
