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

    /**
     * Until {@code count} children of this JVM wait before their exec: such a child still has the
     * name of the thread that cloned it, {@code spawn-parent-N}. (Read from {@code /proc/N/stat},
     * not from a thread's {@code children} file, which kernels without CONFIG_PROC_CHILDREN lack.)
     */
    private static void awaitChildrenOfParentThreads(int count) throws IOException, InterruptedException {
        long self = ProcessHandle.current().pid();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            int stuck = 0;
            try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
                for (Path process : (Iterable<Path>) processes::iterator) {
                    if (!process.getFileName().toString().matches("[0-9]+")) {
                        continue;
                    }
                    String stat;
                    try {
                        stat = Files.readString(process.resolve("stat"), StandardCharsets.UTF_8);
                    } catch (IOException gone) {
                        continue;
                    }
                    // "pid (comm) state ppid ...": comm may hold spaces and parens
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    if (name.startsWith("spawn-parent-") && Long.parseLong(rest[1]) == self) {
                        stuck++;
                    }
                }
            }
            if (stuck >= count) {
                return;
            }
            assertTrue(System.nanoTime() < deadline, stuck + " of " + count + " children wait before exec");
            Thread.sleep(10);
        }
    }
}
