package dev.spawn.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.spawn.Backend;
import dev.spawn.SpawnTemplate;
import dev.spawn.SpawnedProcess;
import dev.spawn.Spawner;
import dev.spawn.ToolCall;
import dev.spawn.ToolResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The spawn loop cannot watch a new child: epoll_ctl(ADD) fails with ENOSPC because
 * {@code fs.epoll.max_user_watches} is lowered to the watches this JVM already holds. A spawned
 * child then runs as usual and is reaped by polling (waited for, waited for on onExit(), or not
 * waited for at all); a tool call, whose pipes need the loop, fails with an IOException naming
 * ENOSPC and its child is SIGKILLed and reaped. Nothing is left behind (checked here for
 * children, and by the {@link InvariantExtension} for fds, children and threads), and once the
 * limit is back the same template spawns again.
 *
 * <p>Tagged "kernel": the limit is a machine-wide sysctl, counted per user across every
 * process, so lowering it on the shared host would break every epoll user running as the same
 * user there, and it needs root. The throwaway RFC-kernel VM ({@code .ci/run-kernel-tests}) runs
 * the JVM as root with no other epoll user, and gives the KERNEL_TEMPLATE backend too.
 */
@Tag("kernel")
class EpollExhaustionTest {
    private static final Path MAX_USER_WATCHES = Paths.get("/proc/sys/fs/epoll/max_user_watches");

    /** One step run while the limit is lowered. */
    private interface Body<T> {
        T run() throws Exception;
    }

    /**
     * NativeTemplate.spawn: the pidfd cannot be added when a waiter blocks (waitFor past its
     * brief poll, onExit) nor when the loop takes an unwaited child, so each child is reaped by
     * polling, with its exit code and output intact.
     */
    @ParameterizedTest
    @EnumSource(names = {"USERSPACE", "KERNEL_TEMPLATE"})
    void aChildTheLoopCannotWatchIsReapedByPolling(Backend backend) throws Exception {
        try (SpawnTemplate probe = Spawner.using(backend).template(Probes.probe())) {
            assertEquals(backend, probe.backend());
            assertEquals(new Probes.Result(0, "warm\n", ""), Probes.finish(probe.spawn("p", "echo", "warm")),
                    "the first child, which creates the spawn loop");
            Set<Long> children = Set.copyOf(ProcState.children().keySet());
            withWatchesToSpare(0, () -> {
                SpawnedProcess waited = probe.spawn("p", "sleep", "300");
                assertTrue(waited.waitFor(20, TimeUnit.SECONDS), waited + " was not reaped by polling");
                assertEquals(0, waited.exitValue());

                SpawnedProcess awaited = probe.spawn("p", "emit", "awaited", "300");
                assertEquals(0, awaited.onExit().get(20, TimeUnit.SECONDS).exitValue());
                assertEquals(new Probes.Result(0, "awaited\n", ""), Probes.finish(awaited));

                List<SpawnedProcess> unwaited = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    unwaited.add(probe.spawn("p", "echo", "unwaited " + i));
                }
                awaitNoNewChildren(children);
                for (int i = 0; i < unwaited.size(); i++) {
                    assertEquals(new Probes.Result(0, "unwaited " + i + "\n", ""), Probes.finish(unwaited.get(i)));
                }
                return null;
            });

            SpawnedProcess again = probe.spawn("p", "echo", "again");
            assertEquals(backend, again.backend());
            assertEquals(new Probes.Result(0, "again\n", ""), Probes.finish(again));
        }
    }

    /**
     * ToolRun.begin: the pidfd (no watch to spare), the stdout pipe (one) or the stderr pipe
     * (two) cannot be added; the call fails and the loop reaps the killed child from a timer.
     */
    @ParameterizedTest(name = "{0} watches to spare")
    @ValueSource(ints = {0, 1, 2})
    void aToolCallTheLoopCannotWatchFails(int spare) throws Exception {
        try (SpawnTemplate probe = Spawner.using(Backend.USERSPACE).template(Probes.probe())) {
            assertEquals("warm\n", probe.call(ToolCall.builder("p", "echo", "warm").build()).stdoutText());
            Set<Long> children = Set.copyOf(ProcState.children().keySet());
            ToolCall sleep = ToolCall.builder("p", "sleep", "60000").timeout(Duration.ofSeconds(20)).build();
            IOException full = withWatchesToSpare(spare, () -> assertThrows(IOException.class, () -> probe.call(sleep)));
            System.out.println("[epoll tool call, " + spare + " to spare] " + full);
            assertTrue(full.getMessage().startsWith("the spawn loop could not watch tool child "), full.getMessage());
            assertTrue(full.getMessage().contains("ENOSPC"), "the errno is not named: " + full.getMessage());
            awaitNoNewChildren(children);

            ToolResult again = probe.call(ToolCall.builder("p", "echo", "again").build());
            assertEquals(0, again.exitValue(), again.toString());
            assertEquals("again\n", again.stdoutText());
        }
    }

    /** The control for the test above: with the three watches a call needs to spare, it runs. */
    @Test
    void aToolCallWithThreeWatchesToSpareRuns() throws Exception {
        try (SpawnTemplate probe = Spawner.using(Backend.USERSPACE).template(Probes.probe())) {
            assertEquals("warm\n", probe.call(ToolCall.builder("p", "echo", "warm").build()).stdoutText());
            ToolResult result = withWatchesToSpare(3,
                    () -> probe.call(ToolCall.builder("p", "echo", "fits").timeout(Duration.ofSeconds(20)).build()));
            assertEquals(0, result.exitValue(), result.toString());
            assertEquals("fits\n", result.stdoutText());
        }
    }

    /** Runs {@code body} with the limit at the watches this JVM holds plus {@code spare}; always restores it. */
    private static <T> T withWatchesToSpare(int spare, Body<T> body) throws Exception {
        String original = readLimit();
        int limit = idleWatches() + spare;
        Files.writeString(MAX_USER_WATCHES, limit + "\n");
        try {
            return body.run();
        } finally {
            Files.writeString(MAX_USER_WATCHES, original + "\n");
            System.out.println("[epoll] max_user_watches was " + limit + " (" + spare + " to spare), restored to "
                    + original);
            assertEquals(original, readLimit(), "max_user_watches not restored");
        }
    }

    /**
     * The limit, in one read: a numeric sysctl answers EOF at any offset but 0, so
     * Files.readString, whose first read of a size-0 file is a single byte, would see "4" of "452808".
     */
    private static String readLimit() throws IOException {
        return Files.readAllLines(MAX_USER_WATCHES).get(0).trim();
    }

    /**
     * The epoll watches of this JVM (the "tfd:" lines of every epoll fd's fdinfo), counted once
     * none is on a child's pidfd or pipe: the loop drops a child's pidfd just after its exit is
     * reported, so a count taken at once could include one that is about to go.
     */
    private static int idleWatches() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            Map<Integer, String> fds = ProcState.fds();
            List<String> watched = new ArrayList<>();
            for (Map.Entry<Integer, String> fd : fds.entrySet()) {
                if (fd.getValue().equals("anon_inode:[eventpoll]")) {
                    for (String line : Files.readAllLines(Paths.get("/proc/self/fdinfo/" + fd.getKey()))) {
                        if (line.startsWith("tfd:")) { // tfd:        7 events:       19 data: ...
                            watched.add(fds.get(Integer.parseInt(line.split("\\s+")[1])));
                        }
                    }
                }
            }
            if (watched.stream().noneMatch(t -> t != null && (t.contains("pidfd") || t.startsWith("pipe:")))) {
                return watched.size();
            }
            if (System.nanoTime() > deadline) {
                fail("the spawn loop still watches a child after 5 s: " + watched);
            }
            Thread.sleep(10);
        }
    }

    /** Waits, at most 5 s, until this JVM has no child (live or zombie) beyond {@code before}. */
    private static void awaitNoNewChildren(Set<Long> before) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!newChildren(before).isEmpty()) {
            if (System.nanoTime() > deadline) {
                fail("children left behind after 5 s: " + newChildren(before));
            }
            Thread.sleep(10);
        }
    }

    /** This JVM's children, live or zombie, that are not in {@code before}. */
    private static List<ProcState.Child> newChildren(Set<Long> before) {
        List<ProcState.Child> children = new ArrayList<>(ProcState.children().values());
        children.removeIf(child -> before.contains(child.pid()));
        return children;
    }
}
