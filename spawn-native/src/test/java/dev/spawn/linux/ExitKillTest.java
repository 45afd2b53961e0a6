package dev.spawn.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.spawn.Backend;
import dev.spawn.SpawnTemplate;
import dev.spawn.Spawner;
import dev.spawn.ToolCall;
import dev.spawn.ToolResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exit hook's bookkeeping in this JVM (its effect at a real exit is JvmExitTest's): every
 * way a call ends takes it out of the hook's reach before the child is reaped, and a call the
 * hook claimed is killed with its group and left unreaped, so the group's number stays ours.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ExitKillTest {
    private static final Map<String, String> ENV = Map.of("PATH", "/usr/bin:/bin");
    private static SpawnTemplate sh;

    @TempDir
    Path dir;

    @BeforeAll
    static void open() throws IOException {
        sh = Spawner.using(Backend.USERSPACE).template(Path.of("/bin/sh"));
    }

    @AfterAll
    static void close() {
        sh.close();
    }

    /** {@code sh -c script sh more...}: the script's $1 is {@code more[0]}. */
    private static ToolCall.Builder shell(String script, String... more) {
        List<String> args = new ArrayList<>(List.of("sh", "-c", script, "sh"));
        args.addAll(List.of(more));
        return ToolCall.builder(args.toArray(new String[0])).environment(ENV);
    }

    private static boolean withinReach(long pid) {
        return ExitKill.inFlight().stream().anyMatch(run -> run.pid() == pid);
    }

    @Test
    void aCallThatEndsIsOutOfReachOnceItsResultIsDelivered() throws Exception {
        List<ToolCall> calls = List.of(
                shell("exit 3").build(),
                shell("sleep 60").timeout(Duration.ofMillis(100)).build(),
                shell("sleep 60 & exit 0").drainTimeout(Duration.ofMillis(100)).build(),
                shell("sleep 60 & exit 0").timeout(Duration.ofMillis(100)).build());
        for (ToolCall call : calls) {
            ToolResult result = sh.call(call);
            assertFalse(withinReach(result.pid()), call + " is still within the exit hook's reach");
        }
    }

    @Test
    void onlyCallsWhoseGroupTheEndWouldKillAreWithinReachUntilCancelled() throws Exception {
        Map<ToolCall.Builder, Boolean> withinReach = new LinkedHashMap<>();
        Path pidFile = dir.resolve("sh.pid");
        String script = "echo $$ > \"$1\"; exec sleep 60";
        withinReach.put(shell(script, pidFile.toString()), true);
        withinReach.put(shell(script, pidFile.toString()).group(ToolCall.Group.NEW_SESSION), true);
        withinReach.put(shell(script, pidFile.toString()).group(ToolCall.Group.CALLER), false);
        withinReach.put(shell(script, pidFile.toString()).killGroupWhenDone(false), false);
        for (Map.Entry<ToolCall.Builder, Boolean> entry : withinReach.entrySet()) {
            Files.deleteIfExists(pidFile);
            ToolCall call = entry.getKey().build();
            CompletableFuture<ToolResult> running = sh.callAsync(call);
            try {
                assertEquals(entry.getValue(), withinReach(awaitPid(pidFile)), call.toString());
            } finally {
                running.cancel(true);
            }
            awaitOutOfReach(awaitPid(pidFile));
        }
    }

    @Test
    void aCallTheHookClaimedIsKilledWithItsGroupAndLeftUnreaped() throws Exception {
        Path pidFile = dir.resolve("grandchild.pid");
        CompletableFuture<ToolResult> running = sh.callAsync(shell("sleep 60 & echo $! > \"$1\"; wait",
                pidFile.toString()).build());
        long grandchild = awaitPid(pidFile);
        long child = parentOf(grandchild);
        ToolRun run = ExitKill.inFlight().stream().filter(r -> r.pid() == child).findFirst().orElse(null);
        if (run == null) {
            running.cancel(true);
            fail("the call is not within the exit hook's reach");
        }
        // as the hook does, for this call alone: the other calls of this JVM stay as they are
        boolean claimed = ExitKill.claim(run);
        try {
            assertTrue(claimed, "the loop withdrew the call before the claim");
            ToolResult result = running.get(10, TimeUnit.SECONDS);
            assertEquals(9, result.signal());
            assertFalse(withinReach(run.pid()));
            // fails unless the grandchild dies within 5 s (init reaps it, or it stays a zombie)
            TestSupport.awaitZombie(grandchild);
            assertTrue(TestSupport.awaitZombie(run.pid()), "the loop reaped a child the exit hook had claimed");
        } finally {
            ProcessHandle.of(grandchild).ifPresent(ProcessHandle::destroyForcibly);
            if (claimed) {
                endClaimed(run);
            }
        }
    }

    /**
     * As the JVM's exit would: end the claimed call's child, reap it, close its pidfd; bounded,
     * also when the claim's kill failed. Only for a claimed call: an unclaimed one's pidfd is the
     * loop's, and may already be closed and its number reused.
     */
    private static void endClaimed(ToolRun run) throws InterruptedException {
        LibSpawn.spawn_signal(run.pidfd(), 9);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (LibSpawn.spawn_wait(run.pidfd(), LibSpawn.WAIT_NOHANG, new int[2]) == 0 && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        LibSpawn.spawn_close(run.pidfd());
    }

    /** The pid a call's shell wrote to {@code pidFile}, once written (10 s at most). */
    private static long awaitPid(Path pidFile) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < end) {
            String written = Files.exists(pidFile) ? Files.readString(pidFile) : "";
            if (written.endsWith("\n")) {
                return Long.parseLong(written.trim());
            }
            Thread.sleep(10);
        }
        throw new AssertionError("nothing written to " + pidFile);
    }

    private static long parentOf(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[1]);
    }

    private static void awaitOutOfReach(long pid) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (withinReach(pid) && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertFalse(withinReach(pid), "call of child " + pid + " is still within the exit hook's reach");
    }
}
