package dev.spawn.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.spawn.SpawnTemplate;
import dev.spawn.SpawnedProcess;
import dev.spawn.ToolCall;
import dev.spawn.ToolResult;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spawn loop is the one thread every child's exit and every tool call depends on: neither
 * an OutOfMemoryError in the middle of a turn nor the loss of its epoll fd may end it. Each
 * case runs in a child JVM of its own, as it leaves the loop in a state no other test should
 * share.
 */
class ReaperResilienceTest {
    @TempDir
    Path dir;

    /**
     * Without the guard around each turn the loop died in most runs of 40 rounds of this (after
     * 4 to 33), so it runs 80.
     */
    @Test
    void theLoopOutlivesOutOfMemoryErrors() throws Exception {
        String out = ChildJvm.run(OutOfMemory.class, dir.resolve("oom.stderr"), environment -> { },
                List.of("-Xmx48m"));
        assertEquals("rounds 80\nloop alive true\ncalls done true\nafter ran\nonExit 0\n", out);
    }

    @Test
    void theLoopPollsWhenItsEpollFdIsClosedUnderIt() throws Exception {
        String out = ChildJvm.run(ClosedEpoll.class, dir.resolve("epoll.stderr"), environment -> { });
        assertEquals("before ran\nafter ran\nafter ran\nonExit 0\ntimed out true\nloop alive true\n", out);
    }

    static boolean loopAlive() {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(thread -> thread.getName().equals("spawn-reaper") && thread.isAlive());
    }

    static String call(SpawnTemplate echo, String word) throws Exception {
        CompletableFuture<ToolResult> result = echo.callAsync(ToolCall.builder("echo", word)
                .timeout(Duration.ofSeconds(5)).build());
        return result.get(20, TimeUnit.SECONDS).stdoutText().trim();
    }

    /** Tool calls in flight while another thread runs the heap out, 80 times over. */
    public static final class OutOfMemory {
        private OutOfMemory() {
        }

        public static void main(String[] args) throws Exception {
            try (SpawnTemplate echo = SpawnTemplate.open(Path.of("/bin/echo"))) {
                call(echo, "warm");
                List<CompletableFuture<ToolResult>> pending = new ArrayList<>();
                int rounds = 0;
                for (; rounds < 80 && loopAlive(); rounds++) {
                    for (int i = 0; i < 20; i++) {
                        try {
                            pending.add(echo.callAsync(ToolCall.builder("echo", "x").build()));
                        } catch (OutOfMemoryError | RuntimeException e) {
                            // the heap is the point; a call that could not start is not
                        }
                    }
                    exhaustHeap();
                    Thread.sleep(20);
                }
                System.out.println("rounds " + rounds);
                System.out.println("loop alive " + loopAlive());
                boolean done = true;
                for (CompletableFuture<ToolResult> call : pending) {
                    try {
                        call.get(20, TimeUnit.SECONDS);
                    } catch (java.util.concurrent.ExecutionException failed) {
                        // an OutOfMemoryError may have failed the call: it ended, which is the point
                    } catch (java.util.concurrent.TimeoutException e) {
                        done = false;
                    }
                }
                System.out.println("calls done " + done);
                System.out.println("after " + call(echo, "ran"));
                SpawnedProcess child = echo.spawn("echo", "y");
                System.out.println("onExit " + child.onExit().get(20, TimeUnit.SECONDS).exitValue());
            }
        }

        private static void exhaustHeap() {
            List<byte[]> hog = new ArrayList<>();
            try {
                while (true) {
                    hog.add(new byte[64 * 1024]);
                }
            } catch (OutOfMemoryError full) {
                // then the crumbs, so that small allocations fail too
            }
            try {
                while (true) {
                    hog.add(new byte[64]);
                }
            } catch (OutOfMemoryError full) {
                hog.clear();
            }
        }
    }

    /**
     * Closes the loop's epoll fd behind its back (as a stray close elsewhere in the JVM would);
     * calls, exits and timers must still come through.
     */
    public static final class ClosedEpoll {
        private ClosedEpoll() {
        }

        public static void main(String[] args) throws Exception {
            try (SpawnTemplate echo = SpawnTemplate.open(Path.of("/bin/echo"));
                    SpawnTemplate sleep = SpawnTemplate.open(Path.of("/bin/sleep"))) {
                System.out.println("before " + call(echo, "ran"));
                Field epoll = Reaper.class.getDeclaredField("epoll");
                epoll.setAccessible(true);
                LibSpawn.spawn_close(epoll.getInt(Reaper.get()));
                System.out.println("after " + call(echo, "ran"));
                System.out.println("after " + call(echo, "ran"));
                SpawnedProcess child = echo.spawn("echo", "y");
                System.out.println("onExit " + child.onExit().get(20, TimeUnit.SECONDS).exitValue());
                ToolResult slow = sleep.callAsync(ToolCall.builder("sleep", "30")
                        .timeout(Duration.ofMillis(200)).build()).get(20, TimeUnit.SECONDS);
                System.out.println("timed out " + slow.timedOut());
                System.out.println("loop alive " + loopAlive());
            }
        }
    }
}
