package dev.spawn.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.spawn.Backend;
import dev.spawn.SpawnAction;
import dev.spawn.SpawnRequest;
import dev.spawn.SpawnTemplate;
import dev.spawn.SpawnedProcess;
import dev.spawn.Spawner;
import dev.spawn.Stdio;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stale template's recovery re-creates it under the template's lock, but the retried spawn
 * runs outside it: a retry that blocks (its child opening a FIFO nobody writes) must not hold
 * back another thread's recovery.
 */
class StaleRecoveryTest {
    /** The blocked child keeps this name until its exec: a thread name is at most 15 bytes. */
    private static final String BLOCKED_THREAD = "stale-blocked";

    @TempDir
    Path dir;

    @Test
    void aRetriedSpawnThatBlocksDoesNotHoldBackAnotherThreadsRecovery() throws Exception {
        Path fifo = TestSupport.mkfifo(dir.resolve("fifo"));
        Path tool = TestSupport.probeCopy(dir, "tool");
        Spawner spawner = Spawner.using(Backend.USERSPACE);
        ExecutorService blockedThread = Executors.newSingleThreadExecutor(task -> new Thread(task, BLOCKED_THREAD));
        ExecutorService otherThread = Executors.newSingleThreadExecutor();
        SpawnTemplate template = spawner.template(tool);
        Future<SpawnedProcess> blocked = null;
        try {
            replaceByRename(tool);
            blocked = blockedThread.submit(() -> template.spawn(exitZero()
                    .action(SpawnAction.open(fifo.toString(), 0, SpawnAction.O_RDONLY, 0)).build()));
            TestSupport.awaitChildrenNamed(BLOCKED_THREAD, 1);
            // the template the blocked retry runs on is stale now too: the next spawn re-creates it
            replaceByRename(tool);
            Future<SpawnedProcess> other = otherThread.submit(() -> template.spawn(exitZero().build()));
            assertEquals(0, within10s(other, "the second recovery waited for the blocked spawn").waitFor());
            assertFalse(blocked.isDone(), "the first spawn's child opened a FIFO nobody writes");
            // a release before the child reached its open would pass it by: repeat until it returns
            unblock(fifo, blocked);
            assertEquals(0, within10s(blocked, "the released spawn did not return").waitFor());
        } finally {
            // a child left blocked in its open would outlive the test
            unblock(fifo, blocked);
            blockedThread.shutdown();
            otherThread.shutdown();
            blockedThread.awaitTermination(10, TimeUnit.SECONDS);
            otherThread.awaitTermination(10, TimeUnit.SECONDS);
            template.close();
        }
        assertEquals(2L, spawner.stats().recreated());
        assertEquals(List.of(), fdsUnder(dir), "a template's fd outlived close()");
    }

    private static <T> T within10s(Future<T> future, String failure) throws Exception {
        try {
            return future.get(10, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError(failure, e);
        }
    }

    /** Lets the blocked spawn's child open the FIFO, also when it reaches its open late. */
    private static void unblock(Path fifo, Future<?> blocked) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        do {
            TestSupport.releaseFifoReaders(fifo);
            Thread.sleep(10);
        } while (blocked != null && !blocked.isDone() && System.nanoTime() < deadline);
    }

    private static SpawnRequest.Builder exitZero() {
        return SpawnRequest.builder("t", "exit", "0").stdin(Stdio.discard()).stdout(Stdio.discard())
                .stderr(Stdio.discard());
    }

    /** Replaces {@code tool} by a fresh copy renamed over it, as a package upgrade does. */
    private static void replaceByRename(Path tool) throws IOException {
        Path replacement = TestSupport.probeCopy(tool.getParent(), tool.getFileName() + ".new");
        Files.move(replacement, tool, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** This process's fds on files under {@code dir}, replaced (deleted) ones included. */
    private static List<String> fdsUnder(Path dir) throws IOException {
        String prefix = dir.toRealPath().toString();
        try (Stream<Path> fds = Files.list(Paths.get("/proc/self/fd"))) {
            return fds.map(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString();
                } catch (IOException gone) {
                    return "";
                }
            }).filter(target -> target.startsWith(prefix)).collect(Collectors.toList());
        }
    }
}
