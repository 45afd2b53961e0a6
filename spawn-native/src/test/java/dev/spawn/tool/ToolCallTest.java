package dev.spawn.tool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spawn.Backend;
import dev.spawn.KillPolicy;
import dev.spawn.SpawnException;
import dev.spawn.SpawnRequest;
import dev.spawn.SpawnTemplate;
import dev.spawn.Spawner;
import dev.spawn.SpawnedProcess;
import dev.spawn.Stdio;
import dev.spawn.ToolCall;
import dev.spawn.ToolResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link ToolCall} on the USERSPACE backend (the kernel path moves these requests to it anyway):
 * drain deadline, group kills checked through /proc, output caps, timeouts, parent death, and
 * a thousand concurrent calls. Every test is bounded in time and in processes.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ToolCallTest {
    private static final Map<String, String> ENV = Map.of("PATH", "/usr/bin:/bin");
    private static Spawner spawner;
    private static SpawnTemplate sh;

    @BeforeAll
    static void open() throws IOException {
        spawner = Spawner.using(Backend.USERSPACE);
        sh = spawner.template(Paths.get("/bin/sh"));
    }

    @AfterAll
    static void close() {
        sh.close();
    }

    private static ToolCall.Builder shell(String script, String... more) {
        List<String> args = new ArrayList<>(List.of("sh", "-c", script));
        args.addAll(List.of(more));
        return ToolCall.builder(args.toArray(new String[0])).environment(ENV);
    }

    /** Pids of live (non-zombie) processes whose process group is {@code pgid}, from /proc. */
    static List<Long> groupMembers(long pgid) throws IOException {
        List<Long> members = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Paths.get("/proc"))) {
            for (Path proc : (Iterable<Path>) procs::iterator) {
                String name = proc.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                String stat;
                try {
                    stat = Files.readString(proc.resolve("stat"));
                } catch (IOException gone) {
                    continue;
                }
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                if (Long.parseLong(fields[2]) == pgid && !fields[0].equals("Z")) {
                    members.add(Long.parseLong(name));
                }
            }
        }
        return members;
    }

    /** The pid of the live process whose argv contains {@code marker}, or -1. */
    static long pidWithArg(String marker) throws IOException {
        try (Stream<Path> procs = Files.list(Paths.get("/proc"))) {
            for (Path proc : (Iterable<Path>) procs::iterator) {
                try {
                    byte[] cmdline = Files.readAllBytes(proc.resolve("cmdline"));
                    if (Arrays.asList(new String(cmdline, StandardCharsets.UTF_8).split("\0")).contains(marker)) {
                        return Long.parseLong(proc.getFileName().toString());
                    }
                } catch (IOException | NumberFormatException skip) {
                    // not a process, or gone
                }
            }
        }
        return -1;
    }

    /** The pid of the process whose argv contains {@code marker}, once it runs (20 s at most). */
    static long awaitPidWithArg(String marker) throws Exception {
        long pid = -1;
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (pid <= 0 && System.nanoTime() < end) {
            pid = pidWithArg(marker);
            Thread.sleep(20);
        }
        assertTrue(pid > 0, "the process with " + marker + " never started");
        return pid;
    }

    static void awaitGroupGone(long pgid) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        List<Long> members = groupMembers(pgid);
        while (!members.isEmpty() && System.nanoTime() < end) {
            Thread.sleep(20);
            members = groupMembers(pgid);
        }
        assertEquals(List.of(), members, "processes of group " + pgid + " survived");
    }

    @Test
    void aGrandchildHoldingStdoutOpenEndsTheCallAtTheDrainDeadline() throws Exception {
        ToolResult result = sh.call(shell("echo child-out; echo child-err >&2; sleep 30 & exit 3")
                .drainTimeout(Duration.ofMillis(300)).timeout(Duration.ofSeconds(20)).build());
        assertEquals(3, result.exitCode());
        assertEquals(0, result.signal());
        assertEquals("child-out\n", result.stdoutText());
        assertEquals("child-err\n", result.stderrText());
        assertTrue(result.drainTimedOut(), result.toString());
        assertFalse(result.timedOut());
        assertTrue(result.wallTime().compareTo(Duration.ofSeconds(5)) < 0, result.toString());
        assertTrue(result.wallTime().compareTo(Duration.ofMillis(300)) >= 0, result.toString());
        awaitGroupGone(result.pid());
    }

    @Test
    void theTimeoutEndsTheDrainOfAChildThatExitedBeforeIt() throws Exception {
        ToolResult result = sh.call(shell("echo out; sleep 60 & exit 0")
                .timeout(Duration.ofMillis(500)).drainTimeout(Duration.ofSeconds(30)).build());
        assertTrue(result.timedOut(), result.toString());
        assertTrue(result.drainTimedOut(), result.toString());
        assertEquals(0, result.exitValue(), "the child itself exited before the timeout: " + result);
        assertEquals("out\n", result.stdoutText());
        // far below the drain window and the grandchild's sleep, far above the timeout
        assertTrue(result.wallTime().compareTo(Duration.ofSeconds(15)) < 0, result.toString());
        assertTrue(result.wallTime().compareTo(Duration.ofMillis(500)) >= 0, result.toString());
        awaitGroupGone(result.pid());
    }

    @Test
    void whenTheTimeoutEndsTheDrainTheKillPolicyReachesTheGroupWithoutTheFinalKill() throws Exception {
        ToolResult result = sh.call(shell("sleep 60 & exit 0").timeout(Duration.ofMillis(500))
                .drainTimeout(Duration.ofSeconds(30)).killGroupWhenDone(false).build());
        assertTrue(result.timedOut(), result.toString());
        assertTrue(result.wallTime().compareTo(Duration.ofSeconds(15)) < 0, result.toString());
        awaitGroupGone(result.pid());
    }

    /**
     * A child that enlarged its stdout pipe to 1 MiB and exited, with no descendant: its output
     * is in the pipe at its exit, so a zero drain window has nothing to cut. The loop reads a
     * bounded amount per readiness event, and the deadline used to close the pipe between two.
     */
    @Test
    void aZeroDrainWindowKeepsOutputAlreadyInThePipeOfAChildWithoutDescendants() throws Exception {
        int bytes = 1_000_000;
        String script = "fcntl(STDOUT, 1031, 1 << 20) or die \"F_SETPIPE_SZ: $!\"; select(undef, undef, undef, 0.3);"
                + " syswrite(STDOUT, \"x\" x " + bytes + ") == " + bytes + " or die \"short write\"; exit 0";
        try (SpawnTemplate perl = spawner.template(Paths.get("/usr/bin/perl"))) {
            List<CompletableFuture<ToolResult>> calls = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                calls.add(perl.callAsync(ToolCall.builder("perl", "-e", script).environment(ENV)
                        .drainTimeout(Duration.ZERO).outputCap(2 << 20).build()));
            }
            for (CompletableFuture<ToolResult> call : calls) {
                ToolResult result = call.get(60, TimeUnit.SECONDS);
                assertEquals("", result.stderrText(), result.toString());
                assertEquals(0, result.exitValue(), result.toString());
                assertEquals(bytes, result.stdoutTotal(), result.toString());
                assertFalse(result.drainTimedOut(), result.toString());
            }
        }
    }

    /**
     * A packet-mode pipe (O_DIRECT) gives one write a read: the end of a zero drain window reads
     * all the pipe holds, however many reads that takes, not a fixed number of them.
     */
    @Test
    void aZeroDrainWindowReadsEveryPacketOfAPacketModePipe() throws Exception {
        // 256 pages, a packet each: 200 fit without a reader
        String script = "use Fcntl; fcntl(STDOUT, 1031, 1 << 20) or die \"F_SETPIPE_SZ: $!\";"
                + " my $flags = fcntl(STDOUT, F_GETFL, 0) or die \"F_GETFL: $!\";"
                + " fcntl(STDOUT, F_SETFL, $flags | 040000) or die \"O_DIRECT: $!\"; select(undef, undef, undef, 0.3);"
                + " syswrite(STDOUT, \"x\") == 1 or die \"write: $!\" for 1 .. 200; exit 0";
        try (SpawnTemplate perl = spawner.template(Paths.get("/usr/bin/perl"))) {
            for (int i = 0; i < 3; i++) {
                ToolResult result = perl.call(ToolCall.builder("perl", "-e", script).environment(ENV)
                        .drainTimeout(Duration.ZERO).build());
                assertEquals("", result.stderrText(), result.toString());
                assertEquals(200, result.stdoutTotal(), result.toString());
                assertFalse(result.drainTimedOut(), result.toString());
            }
        }
    }

    /**
     * The child hands its stdin to a background descendant and exits: the bytes still reach that
     * descendant while the call lasts, as a ProcessBuilder child's stdin stays writable.
     */
    @Test
    void stdinKeepsFlowingToADescendantAfterTheChildExits() throws Exception {
        byte[] input = new byte[1_000_000];
        Arrays.fill(input, (byte) 'y');
        for (int i = 0; i < 3; i++) {
            ToolResult result = sh.call(shell("exec 3<&0 </dev/null; { sleep 0.2; wc -c <&3; } & exit 0")
                    .stdin(input).drainTimeout(Duration.ofSeconds(20)).build());
            assertEquals(String.valueOf(input.length), result.stdoutText().trim(), result.toString());
            assertFalse(result.drainTimedOut(), result.toString());
        }
    }

    @Test
    void withoutAGrandchildTheCallEndsAtEofWithoutWaitingForTheDrainWindow() throws Exception {
        ToolResult result = sh.call(shell("printf abc").drainTimeout(Duration.ofSeconds(30)).build());
        assertEquals("abc", result.stdoutText());
        assertEquals(0, result.exitValue());
        assertFalse(result.drainTimedOut());
        assertTrue(result.wallTime().compareTo(Duration.ofSeconds(10)) < 0, result.toString());
    }

    @Test
    void fiftyBackgroundDescendantsAreAllGoneAfterCancellingTheCall() throws Exception {
        String marker = "marker-" + UUID.randomUUID();
        CompletableFuture<ToolResult> future = sh.callAsync(
                shell("i=0; while [ $i -lt 50 ]; do sleep 60 & i=$((i+1)); done; echo started; wait", marker)
                        .timeout(Duration.ofSeconds(60)).build());
        long leader = -1;
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < end) {
            leader = leader > 0 ? leader : pidWithArg(marker);
            if (leader > 0 && groupMembers(leader).size() >= 51) {
                break;
            }
            Thread.sleep(20);
        }
        assertTrue(leader > 0, "the shell never started");
        assertEquals(51, groupMembers(leader).size(), "the shell and its 50 sleeps");
        assertTrue(future.cancel(true));
        assertThrows(CancellationException.class, future::join);
        awaitGroupGone(leader);
    }

    @Test
    void interruptingAThreadInCallKillsTheGroup() throws Exception {
        String marker = "marker-" + UUID.randomUUID();
        CompletableFuture<Throwable> thrown = new CompletableFuture<>();
        Thread caller = new Thread(() -> {
            try {
                sh.call(shell("sleep 60 & echo started; wait", marker).timeout(Duration.ofSeconds(60)).build());
                thrown.complete(null);
            } catch (Throwable t) {
                thrown.complete(t);
            }
        });
        caller.start();
        long leader = awaitPidWithArg(marker);
        caller.interrupt();
        Throwable t = thrown.get(20, TimeUnit.SECONDS);
        assertTrue(t instanceof InterruptedException, String.valueOf(t));
        awaitGroupGone(leader);
    }

    /** A path that does not exist yet: a call {@link #waitingFor} it runs until it does. */
    private static Path closedGate() throws IOException {
        Path gate = Files.createTempFile("spawn-gate", "");
        Files.delete(gate);
        return gate;
    }

    /**
     * A call whose child runs until {@code gate} exists: a stage chained on its future before the
     * gate opens runs on the thread that completes the future, not on the one that chains it.
     */
    private static ToolCall waitingFor(Path gate) {
        return shell("while [ ! -e \"$1\" ]; do sleep 0.01; done", "gate", gate.toString())
                .timeout(Duration.ofSeconds(20)).build();
    }

    @Test
    void aStageChainedOnCallAsyncNeverRunsOnTheLoopThread() throws Exception {
        Path gate = closedGate();
        try {
            CompletableFuture<String> stage = sh.callAsync(waitingFor(gate))
                    .thenApply(result -> Thread.currentThread().getName());
            assertFalse(stage.isDone(), "the child ended before the gate opened");
            Files.createFile(gate);
            String thread = stage.get(20, TimeUnit.SECONDS);
            assertFalse(thread.equals("spawn-reaper"), "a caller's stage ran on the event loop");
        } finally {
            Files.deleteIfExists(gate);
        }
    }

    @Test
    void aStageThatBlocksOnAnotherCallDoesNotStarveThatCallsCompletion() throws Exception {
        Path gate = closedGate();
        try {
            // the inner wait is bounded, so a starved completion fails the test instead of hanging it
            CompletableFuture<String> stage = sh.callAsync(waitingFor(gate))
                    .thenApply(outer -> {
                        try {
                            return sh.callAsync(shell("echo inner").build()).get(10, TimeUnit.SECONDS).stdoutText();
                        } catch (Exception e) {
                            throw new IllegalStateException("the inner call's result never came", e);
                        }
                    });
            assertFalse(stage.isDone(), "the child ended before the gate opened");
            Files.createFile(gate);
            assertEquals("inner\n", stage.get(30, TimeUnit.SECONDS));
        } finally {
            Files.deleteIfExists(gate);
        }
    }

    /** How long results stand still before another completion thread starts (ResultThreads). */
    private static final long STALL_CHECK_NANOS = 50_000_000;

    @Test
    void resultsAfterABlockedStageAreNotEachHeldForTheStallCheck() throws Exception {
        int calls = 40;
        long alone = sequentialCallsNanos(calls);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<String> heldOn = new CompletableFuture<>();
        Path gate = closedGate();
        CompletableFuture<Void> held = sh.callAsync(waitingFor(gate)).thenAccept(result -> {
            heldOn.complete(Thread.currentThread().getName());
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            Files.createFile(gate);
            assertTrue(heldOn.get(10, TimeUnit.SECONDS).startsWith("spawn-tool-results"), heldOn.get());
            // the first result behind the held stage waits for one stall check; after that,
            // each result finds no drainer polling and starts one at once
            sh.callAsync(shell("exit 0").build()).get(10, TimeUnit.SECONDS);
            long behind = sequentialCallsNanos(calls);
            long extraPerCall = (behind - alone) / calls;
            assertTrue(extraPerCall < STALL_CHECK_NANOS / 2, "each result came "
                    + extraPerCall / 1_000_000 + " ms later while a stage was held (alone "
                    + alone / calls / 1_000_000 + " ms a call)");
        } finally {
            release.countDown();
            held.get(10, TimeUnit.SECONDS);
            Files.deleteIfExists(gate);
        }
    }

    private long sequentialCallsNanos(int calls) throws Exception {
        long start = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            assertEquals(0, sh.callAsync(shell("exit 0").build()).get(10, TimeUnit.SECONDS).exitCode());
        }
        return System.nanoTime() - start;
    }

    @Test
    void aCallEndedByItsTimeoutIsReapedBeforeItReturnsThoughItHadAGracePeriod() throws Exception {
        ToolResult result = sh.call(shell("sleep 60").timeout(Duration.ofMillis(200))
                .killPolicy(KillPolicy.termThenKill(Duration.ofSeconds(30))).build());
        assertTrue(result.timedOut());
        assertEquals(15, result.signal(), "SIGTERM ended it, well within the grace period");
        assertFalse(Files.exists(Paths.get("/proc", Long.toString(result.pid()))),
                "the call returned while its child " + result.pid() + " was not yet reaped");
    }

    @Test
    void callReturnsOnlyOnceItsChildIsReaped() throws Exception {
        for (int i = 0; i < 50; i++) {
            ToolResult result = sh.call(shell("exit 0").build());
            // the loop wakes the caller itself: the reap must come before that, not after
            assertFalse(Files.exists(Paths.get("/proc", Long.toString(result.pid()))),
                    "call " + i + " returned while its child " + result.pid() + " was not yet reaped");
        }
    }

    @Test
    void aFutureEndedByOrTimeoutKillsTheGroupAsCancelDoes() throws Exception {
        String marker = "marker-" + UUID.randomUUID();
        CompletableFuture<ToolResult> future = sh.callAsync(
                shell("sleep 60 & echo started; wait", marker).timeout(Duration.ofSeconds(60)).build());
        long leader = awaitPidWithArg(marker);
        CompletableFuture<ToolResult> bounded = future.orTimeout(100, TimeUnit.MILLISECONDS);
        ExecutionException e = assertThrows(ExecutionException.class, bounded::get);
        assertTrue(e.getCause() instanceof java.util.concurrent.TimeoutException, e.toString());
        awaitGroupGone(leader);
    }

    @Test
    void aTimeoutKillsTheWholeGroupWithTermThenKill() throws Exception {
        // the shell ignores SIGTERM, so only the SIGKILL after the grace ends it
        ToolResult result = sh.call(shell("trap '' TERM; sleep 60 & sleep 60 & echo ready; wait")
                .timeout(Duration.ofMillis(500)).killPolicy(KillPolicy.termThenKill(Duration.ofMillis(300))).build());
        assertTrue(result.timedOut(), result.toString());
        assertEquals(9, result.signal(), result.toString());
        assertEquals(137, result.exitValue());
        assertEquals("ready\n", result.stdoutText());
        assertTrue(result.wallTime().compareTo(Duration.ofMillis(800)) >= 0, result.toString());
        awaitGroupGone(result.pid());
    }

    @Test
    void aTimeoutWithTheDefaultPolicyEndsATermAbidingChildBySigterm() throws Exception {
        ToolResult result = sh.call(shell("exec sleep 60").timeout(Duration.ofMillis(300)).build());
        assertTrue(result.timedOut());
        assertEquals(15, result.signal(), result.toString());
        awaitGroupGone(result.pid());
    }

    @Test
    void yesIsCappedAtOneMebibyteAndDrainedUntilTheTimeout() throws Exception {
        try (SpawnTemplate yes = spawner.template(Paths.get("/usr/bin/yes"))) {
            ToolResult result = yes.call(ToolCall.builder("yes").outputCap(1 << 20).timeout(Duration.ofSeconds(1))
                    .build());
            assertEquals(1 << 20, result.stdout().length, "exactly the cap is kept");
            assertTrue(result.stdoutTotal() > 2L << 20, "the rest was read and counted: " + result);
            assertTrue(result.stdoutTruncated());
            assertTrue(result.timedOut());
            assertEquals(15, result.signal());
            byte[] expected = new byte[1 << 20];
            for (int i = 0; i < expected.length; i += 2) {
                expected[i] = 'y';
                expected[i + 1] = '\n';
            }
            assertArrayEquals(expected, result.stdout());
            assertEquals(0, result.stderrTotal());
        }
    }

    @Test
    void stdinBytesReachTheChildEvenBeyondThePipeBuffer() throws Exception {
        byte[] input = new byte[3 << 20];
        for (int i = 0; i < input.length; i++) {
            input[i] = (byte) (i * 31 + (i >> 9));
        }
        try (SpawnTemplate cat = spawner.template(Paths.get("/bin/cat"))) {
            ToolResult result = cat.call(ToolCall.builder("cat").stdin(input).outputCap(4 << 20).build());
            assertEquals(0, result.exitValue());
            assertArrayEquals(input, result.stdout());
            assertFalse(result.stdoutTruncated());
        }
    }

    @Test
    void theEnvironmentIsExplicitAndStdinIsDevNull() throws Exception {
        ToolResult result = sh.call(ToolCall.builder("sh", "-c", "env; cat; echo end; ls -l /proc/self/fd/0")
                .environment(Map.of("ONLY", "this", "PATH", "/usr/bin:/bin")).build());
        List<String> lines = Arrays.asList(result.stdoutText().split("\n"));
        assertTrue(lines.contains("ONLY=this"), lines.toString());
        assertFalse(result.stdoutText().contains("HOME="), "nothing of the caller's: " + lines);
        assertTrue(lines.contains("end"));
        assertTrue(result.stdoutText().contains("/dev/null"), lines.toString());
    }

    @Test
    void theChildLeadsItsOwnGroupOrSession() throws Exception {
        String ids = "read -r line < /proc/self/stat; set -- ${line##*) }; echo $$ $3 $4";
        long ourSession = sessionOf(ProcessHandle.current().pid());
        for (ToolCall.Group group : ToolCall.Group.values()) {
            ToolResult result = sh.call(shell("exec sh -c '" + ids + "'").group(group).build());
            String[] f = result.stdoutText().trim().split(" ");
            long pid = Long.parseLong(f[0]);
            assertEquals(result.pid(), pid);
            long pgid = Long.parseLong(f[1]);
            long sid = Long.parseLong(f[2]);
            switch (group) {
                case OWN_GROUP:
                    assertEquals(pid, pgid);
                    assertEquals(ourSession, sid);
                    break;
                case NEW_SESSION:
                    assertEquals(pid, pgid);
                    assertEquals(pid, sid);
                    break;
                default:
                    assertEquals(ProcessHandle.current().pid(), pgidOf(ProcessHandle.current().pid()) == pgid
                            ? ProcessHandle.current().pid() : ProcessHandle.current().pid());
                    assertEquals(pgidOf(ProcessHandle.current().pid()), pgid);
                    break;
            }
        }
    }

    private static long pgidOf(long pid) throws IOException {
        String stat = Files.readString(Paths.get("/proc/" + pid + "/stat"));
        return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[2]);
    }

    private static long sessionOf(long pid) throws IOException {
        String stat = Files.readString(Paths.get("/proc/" + pid + "/stat"));
        return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[3]);
    }

    @Test
    void joiningAGroupThatDoesNotExistIsASpawnExceptionNamingSetpgid() throws Exception {
        SpawnException e = assertThrows(SpawnException.class, () -> sh.spawn(SpawnRequest.builder("sh", "-c", "true")
                .joinProcessGroup(Integer.MAX_VALUE - 7).build()));
        assertTrue(e.getMessage().contains("setpgid(0, " + (Integer.MAX_VALUE - 7) + ")"), e.getMessage());
        assertTrue(e.getMessage().contains("EPERM"), e.getMessage());
    }

    @Test
    void aChildSpawnedWithAParentDeathSignalOutlivesTheThreadThatSpawnedIt() throws Exception {
        AtomicInteger pid = new AtomicInteger();
        SpawnedProcess[] child = new SpawnedProcess[1];
        Thread shortLived = new Thread(() -> {
            try {
                child[0] = sh.spawn(SpawnRequest.builder("sh", "-c", "exec sleep 30").parentDeathSignal(9)
                        .stdin(Stdio.discard()).stdout(Stdio.discard()).stderr(Stdio.discard()).build());
                pid.set((int) child[0].pid());
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        shortLived.start();
        shortLived.join();
        assertTrue(pid.get() > 0);
        assertFalse(child[0].waitFor(500, TimeUnit.MILLISECONDS),
                "killed when the spawning thread exited: the signal must follow the JVM");
        child[0].destroyForcibly().waitFor();
    }

    @Test
    void parentDeathSignalKillsTheChildWhenItsJvmDies() throws Exception {
        Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
        Process jvm = new ProcessBuilder(java.toString(), "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), PdeathsigChild.class.getName(), "/bin/sleep")
                .redirectErrorStream(true).start();
        long with = -1;
        long without = -1;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8))) {
            ExecutorService reader = Executors.newSingleThreadExecutor();
            try {
                Future<String> line = reader.submit(() -> {
                    StringBuilder seen = new StringBuilder();
                    for (String l; (l = out.readLine()) != null; ) {
                        if (l.startsWith("PIDS ")) {
                            return l;
                        }
                        seen.append(l).append('\n');
                    }
                    return "EOF " + seen;
                });
                String pids = line.get(60, TimeUnit.SECONDS);
                assertTrue(pids.startsWith("PIDS "), pids);
                String[] f = pids.split(" ");
                with = Long.parseLong(f[1]);
                without = Long.parseLong(f[2]);
                assertTrue(alive(with) && alive(without), "both sleeps run while their JVM lives");
                jvm.destroyForcibly();
                assertTrue(jvm.waitFor(30, TimeUnit.SECONDS));
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (alive(with) && System.nanoTime() < end) {
                    Thread.sleep(20);
                }
                assertFalse(alive(with), "the child with a parent-death signal survived its JVM");
                assertTrue(alive(without), "the control child died too: the test proves nothing");
            } finally {
                reader.shutdownNow();
            }
        } finally {
            jvm.destroyForcibly();
            if (without > 0) {
                ProcessHandle.of(without).ifPresent(ProcessHandle::destroyForcibly);
            }
            if (with > 0) {
                ProcessHandle.of(with).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    /** Alive and not a zombie (an orphan may be a zombie for a moment before init reaps it). */
    private static boolean alive(long pid) {
        try {
            String stat = Files.readString(Paths.get("/proc/" + pid + "/stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException gone) {
            return false;
        }
    }

    @Test
    void aThousandConcurrentCallsGetTheirOwnOutputOnAHandfulOfThreads() throws Exception {
        int calls = 1000;
        int baseline = Thread.activeCount();
        AtomicInteger peak = new AtomicInteger();
        AtomicBoolean sampling = new AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            while (sampling.get()) {
                peak.accumulateAndGet(Thread.activeCount(), Math::max);
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.start();
        ExecutorService submitters = Executors.newFixedThreadPool(4);
        try (SpawnTemplate cat = spawner.template(Paths.get("/bin/cat"))) {
            List<Future<List<CompletableFuture<ToolResult>>>> batches = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int first = t * calls / 4;
                batches.add(submitters.submit(() -> {
                    List<CompletableFuture<ToolResult>> mine = new ArrayList<>();
                    for (int i = first; i < first + calls / 4; i++) {
                        mine.add(cat.callAsync(ToolCall.builder("cat")
                                .stdin(("call-" + i + "\n").getBytes(StandardCharsets.UTF_8))
                                .timeout(Duration.ofSeconds(60)).build()));
                    }
                    return mine;
                }));
            }
            List<CompletableFuture<ToolResult>> all = new ArrayList<>();
            for (Future<List<CompletableFuture<ToolResult>>> batch : batches) {
                all.addAll(batch.get(90, TimeUnit.SECONDS));
            }
            CompletableFuture.allOf(all.toArray(new CompletableFuture[0])).get(90, TimeUnit.SECONDS);
            for (int i = 0; i < calls; i++) {
                ToolResult result = all.get(i).get();
                assertEquals("call-" + i + "\n", result.stdoutText(), result.toString());
                assertEquals(0, result.exitValue());
            }
        } finally {
            submitters.shutdownNow();
            sampling.set(false);
            sampler.join();
        }
        // 4 submitters + the sampler are the test's; the library may add its loop, its parent
        // threads and its result thread, never a thread per call
        assertTrue(peak.get() - baseline <= 16, "threads peaked at " + peak + " from " + baseline);
    }
}
