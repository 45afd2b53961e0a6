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
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Children that never reach their exec (an OPEN action on a FIFO nobody writes) hold every
 * parent thread there is at first; a tool call (which spawns with a parent-death signal, so
 * through those threads) must still run, on a thread added for it, not wait for them.
 */
class ParentThreadsTest {
    @TempDir
    Path dir;

    @Test
    void spawnsStuckBeforeExecDoNotStopOtherParentDeathSpawns() throws Exception {
        Path fifo = TestSupport.mkfifo(dir.resolve("fifo"));
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
            TestSupport.awaitChildrenNamed("spawn-parent-", stuck);

            ToolResult result = CompletableFuture.supplyAsync(() -> {
                try {
                    return echo.call(ToolCall.builder("echo", "ran").timeout(Duration.ofSeconds(5)).build());
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }, threads).get(10, TimeUnit.SECONDS);
            assertEquals("ran\n", result.stdoutText());
            assertTrue(ParentThreads.started() > stuck, "a parent thread was added");

            TestSupport.releaseFifoReaders(fifo);
            for (CompletableFuture<SpawnedProcess> spawn : blocked) {
                SpawnedProcess child = spawn.get(10, TimeUnit.SECONDS);
                assertEquals(0, child.waitFor());
            }
        } finally {
            TestSupport.releaseFifoReaders(fifo);
            threads.shutdown();
        }
    }
}
