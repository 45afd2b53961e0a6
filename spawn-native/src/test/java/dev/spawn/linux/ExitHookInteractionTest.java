package dev.spawn.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spawn.SpawnTemplate;
import dev.spawn.ToolCall;
import dev.spawn.ToolResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exit hook beside the application's own shutdown hooks, each in a child JVM of its own
 * (in a session of its own, as JvmExitTest's): a hook of the application that waits for a call
 * in flight sees it killed, unless {@code spawn.toolCall.killGroupsAtExit=false}; and a call
 * started once the exit hook has run is never killed by it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ExitHookInteractionTest {
    private static final Map<String, String> ENV = Map.of("PATH", "/usr/bin:/bin");

    @TempDir
    Path dir;

    @Test
    void withThePropertyFalseAnApplicationHookThatDrainsACallInFlightSeesItFinish() throws Exception {
        String out = ChildJvm.run(List.of("setsid"), Drain.class, dir.resolve("child.stderr"), environment -> { },
                List.of("-Dspawn.toolCall.killGroupsAtExit=false"));
        assertEquals("drained: exit=0 signal=0 out=done\n", out);
    }

    @Test
    void byDefaultAnApplicationHookThatDrainsACallInFlightSeesItKilled() throws Exception {
        String out = ChildJvm.run(List.of("setsid"), Drain.class, dir.resolve("child.stderr"), environment -> { },
                List.of());
        assertTrue(out.startsWith("drained: ") && out.contains(" signal=9 "), out);
    }

    @Test
    void aCallStartedFromAnotherShutdownHookOnceTheExitHookRanIsNotKilled() throws Exception {
        String out = ChildJvm.run(List.of("setsid"), LateCall.class, dir.resolve("child.stderr"), environment -> { },
                List.of());
        assertEquals("late call: exit=0 signal=0 out=late\n", out);
    }

    @Test
    void aSecondThreadsFirstCallWhileTheHookIsBeingRegisteredIsWithinItsReach() throws Exception {
        String out = ChildJvm.run(List.of("setsid"), SecondCaller.class, dir.resolve("child.stderr"),
                environment -> { }, List.of());
        assertEquals("within reach: 2 of 2\n", out);
    }

    @Test
    void thePropertyIsTrueUnlessFalse() {
        assertTrue(ExitKill.killsAtExit(null));
        assertTrue(ExitKill.killsAtExit(" "));
        assertTrue(ExitKill.killsAtExit("TRUE"));
        assertTrue(ExitKill.killsAtExit("no"));
        assertFalse(ExitKill.killsAtExit(" False "));
    }

    private static String describe(ToolResult result) {
        return "exit=" + result.exitCode() + " signal=" + result.signal() + " out="
                + new String(result.stdout(), StandardCharsets.UTF_8).trim();
    }

    /** The review's graceful shutdown: System.exit, then its own hook waits for the call in flight. */
    public static final class Drain {
        private Drain() {
        }

        public static void main(String[] args) throws Exception {
            SpawnTemplate sh = SpawnTemplate.open(Path.of("/bin/sh"));
            CompletableFuture<ToolResult> inFlight = sh.callAsync(
                    ToolCall.builder("sh", "-c", "sleep 1; echo done").environment(ENV).build());
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    System.out.println("drained: " + describe(inFlight.get(10, TimeUnit.SECONDS)));
                } catch (Exception e) {
                    System.out.println("drain failed: " + e);
                }
            }));
            Thread.sleep(100);
            System.exit(0);
        }
    }

    /**
     * Registers the exit hook with a first call, then exits; its own hook waits until the exit
     * hook has marked the JVM as exiting (no sleep to guess that), then makes a short call.
     */
    public static final class LateCall {
        private LateCall() {
        }

        public static void main(String[] args) throws Exception {
            SpawnTemplate sh = SpawnTemplate.open(Path.of("/bin/sh"));
            sh.call(ToolCall.builder("true").environment(ENV).build());
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                    while (!ExitKill.exiting()) {
                        if (System.nanoTime() > end) {
                            System.out.println("the exit hook never ran");
                            return;
                        }
                        Thread.sleep(5);
                    }
                    ToolResult result = sh.call(ToolCall.builder("sh", "-c", "sleep 0.3; echo late")
                            .environment(ENV).build());
                    System.out.println("late call: " + describe(result));
                } catch (Exception e) {
                    System.out.println("late call failed: " + e);
                }
            }));
            System.exit(0);
        }
    }

    /**
     * Holds the JDK's shutdown-hook registry while one thread's first call registers the exit
     * hook (it blocks in addShutdownHook), and makes a second thread's first call meanwhile: the
     * second call must wait for the registration and be within the hook's reach, not pass a
     * half-made decision and go untracked.
     */
    public static final class SecondCaller {
        private SecondCaller() {
        }

        public static void main(String[] args) throws Exception {
            SpawnTemplate sh = SpawnTemplate.open(Path.of("/bin/sh"));
            // exec: the direct child is the sleep, so its parent-death signal ends it even untracked
            ToolCall sleeper = ToolCall.builder("sh", "-c", "exec sleep 30").environment(ENV).build();
            Object registry = Class.forName("java.lang.ApplicationShutdownHooks");
            CompletableFuture<CompletableFuture<ToolResult>> second = new CompletableFuture<>();
            synchronized (registry) {
                Thread firstCaller = new Thread(() -> {
                    try {
                        sh.callAsync(sleeper);
                    } catch (Exception e) {
                        System.out.println("first call failed: " + e);
                    }
                }, "first-caller");
                firstCaller.start();
                awaitBlocked(firstCaller);
                Thread secondCaller = new Thread(() -> {
                    try {
                        second.complete(sh.callAsync(sleeper));
                    } catch (Exception e) {
                        second.completeExceptionally(e);
                    }
                }, "second-caller");
                secondCaller.start();
                // the second call either waits for the first's registration or, wrongly, is made
                secondCaller.join(2000);
            }
            second.get(10, TimeUnit.SECONDS);
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (ExitKill.inFlight().size() < 2 && System.nanoTime() < end) {
                Thread.sleep(10);
            }
            System.out.println("within reach: " + ExitKill.inFlight().size() + " of 2");
            System.exit(0);
        }

        private static void awaitBlocked(Thread thread) throws InterruptedException {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (thread.getState() != Thread.State.BLOCKED && System.nanoTime() < end) {
                Thread.sleep(5);
            }
        }
    }
}
