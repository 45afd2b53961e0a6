package dev.spawn.tool;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spawn.SpawnTemplate;
import dev.spawn.ToolCall;
import dev.spawn.linux.ChildJvm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A JVM that ends normally while tool calls are in flight takes their process groups with it:
 * the parent-death signal reaches only the direct child, so a background grandchild would
 * otherwise live on under init. Each run is a child JVM of its own (the exit is the JVM's),
 * in a session of its own, so that a hook that signalled its own group could end nothing but
 * that JVM (which then fails, not exiting 0). Each call's shell writes its grandchild's pid to
 * a file; whatever the outcome, the test kills every grandchild still running.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class JvmExitTest {
    /** The grandchild's /proc/PID/cmdline: its argv, each argument ended by a NUL. */
    private static final byte[] SLEEP_CMDLINE = "sleep 60 ".replace(' ', '\0').getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    /** The calls the child JVM leaves in flight, and whether its exit must end their grandchild. */
    enum Kind {
        OWN_GROUP(true, call -> call),
        NEW_SESSION(true, call -> call.group(ToolCall.Group.NEW_SESSION)),
        /** No group of its own: the only group to signal would be the JVM's. */
        CALLER(false, call -> call.group(ToolCall.Group.CALLER)),
        /** The caller asked for the group to outlive the call. */
        GROUP_KEPT(false, call -> call.killGroupWhenDone(false));

        final boolean endsAtExit;
        private final UnaryOperator<ToolCall.Builder> configure;

        Kind(boolean endsAtExit, UnaryOperator<ToolCall.Builder> configure) {
            this.endsAtExit = endsAtExit;
            this.configure = configure;
        }

        ToolCall call(Path pidFile) {
            return configure.apply(ToolCall.builder("sh", "-c", "sleep 60 & echo $! > \"$1\"; wait", "sh",
                    pidFile.toString()).environment(Map.of("PATH", "/usr/bin:/bin"))).build();
        }

        Path pidFile(Path dir) {
            return dir.resolve(name() + ".pid");
        }
    }

    @ParameterizedTest(name = "main {0}")
    @ValueSource(strings = {"returns", "exits", "closes-and-returns"})
    void theExitEndsTheGroupsOfCallsInFlightButNotTheCallersGroupNorAKeptGroup(String ending) throws Exception {
        try {
            ChildJvm.run(List.of("setsid"), Child.class, dir.resolve("child.stderr"), environment -> { }, List.of(),
                    ending, dir.toString());
            for (Kind kind : Kind.values()) {
                if (kind.endsAtExit) {
                    awaitGone(kind);
                }
            }
            // after the others are gone: a grandchild killed by mistake has had the time to die too
            for (Kind kind : Kind.values()) {
                if (!kind.endsAtExit) {
                    assertTrue(alive(pid(kind)), kind + ": its grandchild was killed by the JVM's exit");
                }
            }
        } finally {
            for (Kind kind : Kind.values()) {
                killIfSleeping(kind);
            }
        }
    }

    private void awaitGone(Kind kind) throws Exception {
        long pid = pid(kind);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (alive(pid) && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertFalse(alive(pid), kind + ": the grandchild " + pid + " outlived the JVM");
    }

    private long pid(Kind kind) throws IOException {
        return Long.parseLong(Files.readString(kind.pidFile(dir)).trim());
    }

    /** Kills the grandchild if its pid still names it, a {@code sleep 60}, and waits until it is gone. */
    private void killIfSleeping(Kind kind) throws Exception {
        long pid;
        try {
            pid = pid(kind);
        } catch (NoSuchFileException | NumberFormatException neverStarted) {
            return;
        }
        if (alive(pid) && isSleep(pid)) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (alive(pid) && System.nanoTime() < end) {
                Thread.sleep(20);
            }
        }
    }

    private static boolean isSleep(long pid) {
        try {
            return Arrays.equals(Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline")), SLEEP_CMDLINE);
        } catch (IOException gone) {
            return false;
        }
    }

    /** Alive and not a zombie (an orphan may be a zombie for a moment before init reaps it). */
    private static boolean alive(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException gone) {
            return false;
        }
    }

    /**
     * Starts one call of each {@link Kind}, waits until every grandchild runs {@code sleep},
     * then ends as {@code args[0]} says, with every call still in flight.
     */
    public static final class Child {
        private Child() {
        }

        public static void main(String[] args) throws Exception {
            Path dir = Path.of(args[1]);
            SpawnTemplate sh = SpawnTemplate.open(Path.of("/bin/sh"));
            for (Kind kind : Kind.values()) {
                sh.callAsync(kind.call(kind.pidFile(dir)));
            }
            for (Kind kind : Kind.values()) {
                awaitSleeping(kind.pidFile(dir));
            }
            switch (args[0]) {
                case "exits":
                    System.exit(0);
                    break;
                case "closes-and-returns":
                    sh.close();
                    break;
                default:
                    break;
            }
        }

        private static void awaitSleeping(Path pidFile) throws Exception {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < end) {
                String written = Files.exists(pidFile) ? Files.readString(pidFile) : "";
                if (written.endsWith("\n") && isSleep(Long.parseLong(written.trim()))) {
                    return;
                }
                Thread.sleep(10);
            }
            throw new IllegalStateException("no sleep started by the call writing " + pidFile);
        }
    }
}
