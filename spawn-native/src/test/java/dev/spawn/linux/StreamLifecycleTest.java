package dev.spawn.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spawn.Backend;
import dev.spawn.SpawnRequest;
import dev.spawn.SpawnTemplate;
import dev.spawn.SpawnedProcess;
import dev.spawn.Spawner;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Pipes are released as ProcessBuilder releases them: at EOF, at exit (keeping the rest), at close. */
class StreamLifecycleTest {
    private SpawnTemplate probe;

    @BeforeEach
    void open() throws IOException {
        probe = Spawner.using(Backend.USERSPACE).template(TestSupport.probePath());
    }

    @AfterEach
    void close() {
        probe.close();
    }

    @Test
    void anExitSeenByTheThreadHandingThePipeOverLeavesItsBytesInThePipe() throws Exception {
        int[] fds = new int[2];
        assertEquals(0, LibSpawn.spawn_pipe2(fds, 0));
        com.sun.jna.Memory bytes = new com.sun.jna.Memory(3);
        bytes.write(0, "abc".getBytes(StandardCharsets.US_ASCII), 0, 3);
        assertEquals(3, LibSpawn.spawn_write(fds[1], bytes, 3));
        LibSpawn.spawn_close(fds[1]);
        PipeInputStream upstream = new PipeInputStream(fds[0]);
        PipeInputStream.Handover handover = upstream.handOver();
        // as a reap on this thread inside the hand-over would (Stdio.toString reaps its upstream)
        upstream.childExited();
        assertEquals(3, LibSpawn.spawn_available(handover.fd), "the downstream child's bytes were taken");
        handover.commit();
        assertEquals(-1, upstream.read(), "handed over: end of file here");
        upstream.close();
    }

    @Test
    void readingToEofReleasesThePipesWithoutClose() throws Exception {
        long before = pipes();
        for (int i = 0; i < 50; i++) {
            SpawnedProcess child = probe.spawn(SpawnRequest.builder("p", "stdio").build());
            child.getInputStream().readAllBytes();
            child.getErrorStream().readAllBytes();
            child.waitFor();
        }
        assertEquals(before, pipes(), "pipe fds left open after EOF and exit");
    }

    @Test
    void readingToEofWithoutWaitingStillReapsTheChildAndReleasesEveryPipe() throws Exception {
        long before = pipes();
        long[] pids = new long[20];
        for (int i = 0; i < pids.length; i++) {
            SpawnedProcess child = probe.spawn(SpawnRequest.builder("p", "stdio").build());
            pids[i] = child.pid();
            child.getInputStream().readAllBytes();
            child.getErrorStream().readAllBytes();
        }
        // nobody waits: the reaper's sweep (50-75 ms after each spawn) must reap and release
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((pipes() != before || anyAlive(pids)) && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertFalse(anyAlive(pids), "a child nobody waited for was never reaped");
        assertEquals(before, pipes(), "pipe fds (stdin's too) left open with no wait");
    }

    private static boolean anyAlive(long[] pids) {
        for (long pid : pids) {
            if (Files.exists(Path.of("/proc", Long.toString(pid)))) {
                return true;
            }
        }
        return false;
    }

    @Test
    void outputIsKeptAfterExitAndTheFdReleased() throws Exception {
        long before = pipes();
        SpawnedProcess child = probe.spawn(SpawnRequest.builder("p", "echo", "kept after exit").build());
        assertEquals(0, child.waitFor());
        assertEquals(before, pipes(), "the child's pipes were not released at exit");
        assertEquals("kept after exit\n", new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        assertThrows(IOException.class, () -> child.getOutputStream().write(1));
    }

    @Test
    void closeNeverWaitsForABlockedReader() throws Exception {
        SpawnedProcess child = probe.spawn(SpawnRequest.builder("p", "sleep", "600000").build());
        InputStream out = child.getInputStream();
        // Own threads, not the common pool: on 2 cores it may have a single worker, which the
        // blocked reader would hold.
        CompletableFuture<Integer> reader = new CompletableFuture<>();
        Thread readerThread = new Thread(() -> {
            try {
                reader.complete(out.read());
            } catch (IOException e) {
                reader.complete(-2);
            }
        }, "blocked-reader");
        readerThread.start();
        Thread.sleep(100);
        Thread closer = new Thread(() -> {
            try {
                out.close();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }, "closer");
        closer.start();
        closer.join(5000);
        assertFalse(closer.isAlive(), "close() waited for the blocked reader");
        assertThrows(IOException.class, out::read);
        child.destroyForcibly();
        assertEquals(128 + 9, child.waitFor());
        assertEquals(-1, (int) reader.get(5, TimeUnit.SECONDS), "the blocked reader sees EOF once the child is gone");
    }

    @Test
    void theHandleWorksWhileTheChildLivesAndAfterItIsReaped() throws Exception {
        SpawnedProcess child = probe.spawn(SpawnRequest.builder("p", "sleep", "60000").build());
        ProcessHandle handle = child.toHandle();
        assertEquals(child.pid(), handle.pid());
        assertTrue(handle.isAlive());
        assertTrue(handle.info().command().isPresent(), "read from /proc while the child lives");
        assertEquals(ProcessHandle.current().pid(), handle.parent().orElseThrow().pid());
        child.destroyForcibly();
        assertEquals(128 + 9, child.waitFor());
        assertSame(handle, child.toHandle());

        SpawnedProcess reaped = probe.spawn(SpawnRequest.builder("p", "exit", "0").build());
        assertEquals(0, reaped.waitFor());
        ProcessHandle late = reaped.toHandle();
        assertEquals(reaped.pid(), late.pid());
        assertFalse(late.isAlive());
        assertTrue(late.info().command().isEmpty(), "a recycled pid is never described");
        assertTrue(late.parent().isEmpty());
        assertEquals(0, late.descendants().count());
        assertFalse(late.destroyForcibly(), "nothing to signal");
        assertSame(late, late.onExit().get(5, TimeUnit.SECONDS));
    }

    @Test
    void aReaderAfterExitGetsBufferedAndPendingBytesInOrder() throws Exception {
        SpawnedProcess child = probe.spawn(SpawnRequest.builder("p", "echo", "abcdef").build());
        InputStream out = child.getInputStream();
        assertEquals('a', out.read());
        assertEquals(0, child.waitFor());
        assertEquals("bcdef\n", new String(out.readAllBytes(), StandardCharsets.UTF_8));
        assertEquals(-1, out.read());
    }

    /** Reads of the buffer's size and more bypass it; mixed with small ones, no byte moves or repeats. */
    @Test
    void smallAndBufferSizedReadsInterleaveInOrder() throws Exception {
        StringBuilder text = new StringBuilder();
        for (int i = 0; text.length() < 100_000; i++) {
            text.append(i).append(' ');
        }
        SpawnedProcess child = probe.spawn(SpawnRequest.builder("p", "echo", text.toString()).build());
        InputStream out = child.getInputStream();
        java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
        int[] sizes = {3, 16_384, 10, 8_192, 1, 20_000, 7};
        for (int i = 0;; i++) {
            byte[] chunk = new byte[sizes[i % sizes.length]];
            int count = out.read(chunk, 0, chunk.length);
            if (count < 0) {
                break;
            }
            assertTrue(count > 0 && count <= chunk.length, "read returned " + count + " for " + chunk.length);
            got.write(chunk, 0, count);
        }
        assertEquals(0, child.waitFor());
        assertEquals(text + "\n", got.toString(StandardCharsets.UTF_8));
        assertEquals(-1, out.read(new byte[8_192]));
    }

    /**
     * The child's exit while a hand-over holds the stream (a downstream spawn in progress) is
     * caught up when that spawn fails: the pipe's rest is kept and its fd released, so a
     * grandchild holding the write end cannot block the next read.
     */
    @Test
    void anExitDuringAnAbortedHandOverKeepsTheRestAndReleasesThePipe() throws Exception {
        int[] fds = openPipeWith("left\n");
        try {
            PipeInputStream in = new PipeInputStream(fds[0]);
            PipeInputStream.Handover handover = in.handOver();
            // on another thread, as the reaper or a waiter reaps: the lock is reentrant
            CompletableFuture.runAsync(in::childExited).get(5, TimeUnit.SECONDS);
            handover.abort();
            assertEquals("left\n", readAllWithin(in));
        } finally {
            LibSpawn.spawn_close(fds[1]);
        }
    }

    /**
     * A second hand-over of a stream whose first one is still in progress (its downstream spawn
     * may take long: a child stuck before exec) is refused at once, not spun on.
     */
    @Test
    void aSecondHandOverWhileTheFirstHoldsTheStreamIsRefused() throws Exception {
        int[] fds = openPipeWith("left\n");
        try {
            PipeInputStream in = new PipeInputStream(fds[0]);
            PipeInputStream.Handover first = in.handOver();
            try {
                CompletableFuture<Throwable> second = CompletableFuture.supplyAsync(() -> {
                    try {
                        in.handOver().abort();
                        return null;
                    } catch (Throwable t) {
                        return t;
                    }
                });
                Throwable refused = second.get(5, TimeUnit.SECONDS);
                assertTrue(refused instanceof IllegalArgumentException, String.valueOf(refused));
            } finally {
                first.abort();
            }
            assertEquals("left\n", new String(in.readNBytes(5), StandardCharsets.US_ASCII), "the first one aborted");
        } finally {
            LibSpawn.spawn_close(fds[1]);
        }
    }

    /** The same for a read in progress at the exit, as the JDK's stream: the next read ends. */
    @Test
    void anExitDuringAReadIsCaughtUpWhenTheReadReturns() throws Exception {
        int[] fds = openPipeWith("");
        try {
            PipeInputStream in = new PipeInputStream(fds[0]);
            CompletableFuture<Integer> first = CompletableFuture.supplyAsync(() -> {
                try {
                    return in.read();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!in.isBeingRead() && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertTrue(in.isBeingRead(), "the reader never blocked in read");
            in.childExited();
            write(fds[1], "xyz");
            assertEquals('x', first.get(5, TimeUnit.SECONDS));
            assertEquals("yz", readAllWithin(in));
        } finally {
            LibSpawn.spawn_close(fds[1]);
        }
    }

    /**
     * A read that starts after the child exited, before anyone reaped it, ends there even though
     * a grandchild holds the pipe open, as with ProcessBuilder, whose reaper reaps at once.
     */
    @Test
    void aReadAfterAnUnreapedExitEndsThoughAGrandchildHoldsThePipe() throws Exception {
        try (SpawnTemplate sh = Spawner.using(Backend.USERSPACE).template(Path.of("/bin/sh"))) {
            SpawnedProcess child = sh.spawn(SpawnRequest.builder("sh", "-c", "sleep 30 & echo $!").build());
            assertTrue(TestSupport.awaitZombie(child.pid()), "the child was reaped before the read");
            String out = readAllWithin(child.getInputStream());
            long grandchild = Long.parseLong(out.trim());
            try {
                assertTrue(ProcessHandle.of(grandchild).isPresent(), "the grandchild holding the pipe is gone");
                assertEquals(0, child.waitFor());
            } finally {
                ProcessHandle.of(grandchild).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    private static int[] openPipeWith(String text) {
        int[] fds = new int[2];
        assertEquals(0, LibSpawn.spawn_pipe2(fds, 0));
        write(fds[1], text);
        return fds;
    }

    private static void write(int fd, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > 0) {
            com.sun.jna.Memory memory = new com.sun.jna.Memory(bytes.length);
            memory.write(0, bytes, 0, bytes.length);
            assertEquals(bytes.length, LibSpawn.spawn_write(fd, memory, bytes.length));
        }
    }

    /** The rest of {@code in} up to its end, failing instead of hanging on a pipe that never ends. */
    private static String readAllWithin(InputStream in) throws Exception {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).get(5, TimeUnit.SECONDS);
    }

    private static long pipes() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().startsWith("pipe:");
                } catch (IOException gone) {
                    return false;
                }
            }).count();
        }
    }
}
