package dev.spawn.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spawn.Backend;
import dev.spawn.SpawnAction;
import dev.spawn.SpawnRequest;
import dev.spawn.SpawnTemplate;
import dev.spawn.SpawnedProcess;
import dev.spawn.Spawner;
import dev.spawn.ToolCall;
import dev.spawn.ToolResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Children that never reach their exec (an OPEN action on a FIFO nobody writes) hold every
 * parent thread there is at first; a tool call (which spawns with a parent-death signal, so
 * through those threads) must still run, on a thread added for it, not wait for them.
 */
class ParentThreadsTest {
    private static final int O_WRONLY = 1;
    private static final int O_NONBLOCK = 04000;
    @TempDir
    Path dir;

    @Test
    void spawnsStuckBeforeExecDoNotStopOtherParentDeathSpawns() throws Exception {
        Path fifo = dir.resolve("fifo");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertEquals(0, mkfifo.waitFor());
        Spawner spawner = Spawner.using(Backend.USERSPACE);
        int stuck = ParentThreads.started();
        List<CompletableFuture<SpawnedProcess>> blocked = new ArrayList<>();
        // a thread each: the common pool may have one thread on 2 cores, which the first takes
        ExecutorService threads = Executors.newCachedThreadPool();
        try (SpawnTemplate cat = spawner.template(Path.of("/bin/cat"));
                SpawnTemplate echo = spawner.template(Path.of("/bin/echo"))) {
            for (int i = 0; i < stuck; i++) {
                blocked.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return cat.spawn(SpawnRequest.builder("cat").parentDeathSignal(9)
                                .action(SpawnAction.open(fifo.toString(), 0, 0, 0)).build());
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }, threads));
            }
            awaitChildrenOfParentThreads(stuck);

            ToolResult result = CompletableFuture.supplyAsync(() -> {
                try {
                    return echo.call(ToolCall.builder("echo", "ran").timeout(Duration.ofSeconds(5)).build());
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }, threads).get(10, TimeUnit.SECONDS);
            assertEquals("ran\n", result.stdoutText());
            assertTrue(ParentThreads.started() > stuck, "a parent thread was added");

            releaseReaders(fifo);
            for (CompletableFuture<SpawnedProcess> spawn : blocked) {
                SpawnedProcess child = spawn.get(10, TimeUnit.SECONDS);
                assertEquals(0, child.waitFor());
            }
        } finally {
            releaseReaders(fifo);
            threads.shutdown();
        }
    }

    /** One open of the write end lets every reader blocked in its open go on (to EOF). */
    private static void releaseReaders(Path fifo) {
        int fd = LibSpawn.spawn_open(CStrings.of(fifo.toString()), O_WRONLY | O_NONBLOCK, 0);
        if (fd >= 0) {
            LibSpawn.spawn_close(fd);
        }
    }

    /** Until {@code count} spawn-parent threads each have a child (the ones stuck in their open). */
    private static void awaitChildrenOfParentThreads(int count) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            int parents = 0;
            try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
                for (Path task : (Iterable<Path>) tasks::iterator) {
                    try {
                        String name = Files.readString(task.resolve("comm"), StandardCharsets.UTF_8).trim();
                        String children = Files.readString(task.resolve("children"), StandardCharsets.UTF_8).trim();
                        if (name.startsWith("spawn-parent-") && !children.isEmpty()) {
                            parents++;
                        }
                    } catch (NoSuchFileException gone) {
                        // a thread that ended while we looked
                    }
                }
            }
            if (parents >= count) {
                return;
            }
            assertTrue(System.nanoTime() < deadline, parents + " of " + count + " parent threads have a child");
            Thread.sleep(10);
        }
    }
}
