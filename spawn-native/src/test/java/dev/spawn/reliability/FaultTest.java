package dev.spawn.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.spawn.Backend;
import dev.spawn.SpawnAction;
import dev.spawn.SpawnRequest;
import dev.spawn.SpawnTemplate;
import dev.spawn.SpawnedProcess;
import dev.spawn.Spawner;
import dev.spawn.Stdio;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Faults, each with a typed outcome: resource limits (in a child JVM), a child killed mid-output,
 * a reader that stops early, an interrupted waitFor, a template closed under spawning threads,
 * an executable renamed over under spawning threads. Every test is bounded in time and in the
 * number of processes it starts.
 */
class FaultTest {
    @TempDir
    Path dir;

    // ---------------------------------------------------------------- resource limits

    /** RLIMIT_NOFILE reached: the spawn throws an IOException typed and named EMFILE, and works again once fds are free. */
    @ParameterizedTest
    @EnumSource(names = {"USERSPACE", "PROCESS_BUILDER"})
    void fdLimitReachedIsEmfile(Backend backend) throws Exception {
        List<String> out = childJvm(List.of("sh", "-c", "ulimit -n 256 && exec \"$@\"", "sh"), "emfile", backend);
        assertTrue(out.stream().anyMatch(l -> l.startsWith("FULL after")), "the child JVM never filled its fds: " + out);
        List<String> outcomes = lines(out, "OUTCOME ");
        assertEquals(2, outcomes.size(), out.toString());
        for (String outcome : outcomes) {
            assertTrue(outcome.contains("EMFILE"), "the exception does not name EMFILE: " + outcome);
            assertTrue(outcome.startsWith("SpawnException BEFORE_CHILD EMFILE |"),
                    "not a SpawnException with errno EMFILE: " + outcome);
        }
        assertEquals(List.of("exit 0"), lines(out, "RECOVERED "), out.toString());
    }

    /**
     * RLIMIT_NPROC reached: EAGAIN, typed. Root is exempt from RLIMIT_NPROC (the kernel skips the
     * check for the init user), so the child JVM runs as nobody through setpriv(1), and lowers
     * its own soft limit to 1 once warm.
     */
    @ParameterizedTest
    @EnumSource(names = {"USERSPACE", "PROCESS_BUILDER"})
    void processLimitReachedIsEagain(Backend backend) throws Exception {
        List<String> prefix = List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups");
        List<String> out = childJvm(prefix, "nproc", backend);
        List<String> outcomes = lines(out, "OUTCOME ");
        assertEquals(2, outcomes.size(), out.toString());
        for (String outcome : outcomes) {
            assertTrue(outcome.startsWith("SpawnException BEFORE_CHILD EAGAIN |"),
                    "not a SpawnException with errno EAGAIN: " + outcome);
        }
        assertEquals(List.of("exit 0"), lines(out, "RECOVERED "), out.toString());
    }

    /**
     * A working directory the caller may search but not read (a 0711 home, say) works as with
     * ProcessBuilder, whose child only chdir()s: USERSPACE gets an O_PATH fd for its fchdir.
     * Root may read any directory, so the child JVM runs as nobody.
     */
    @ParameterizedTest
    @EnumSource(names = {"USERSPACE", "PROCESS_BUILDER"})
    void aWorkingDirectoryThatCanBeSearchedButNotReadWorks(Backend backend) throws Exception {
        Path searchOnly = Files.createDirectories(dir.resolve("search-only"));
        Files.setPosixFilePermissions(searchOnly, PosixFilePermissions.fromString("rwx--x--x"));
        List<String> prefix = List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups");
        List<String> out = childJvm(prefix, "search-only-cwd", backend, searchOnly.toString());
        assertEquals(List.of("exit 0 cwd " + searchOnly.toRealPath()), lines(out, "OUTCOME "), out.toString());
    }

    private static List<String> lines(List<String> out, String prefix) {
        return out.stream().filter(l -> l.startsWith(prefix)).map(l -> l.substring(prefix.length()))
                .collect(Collectors.toList());
    }

    /** Runs LimitChild in a fresh JVM (as the prefix says), with a class path that user nobody can read. */
    private List<String> childJvm(List<String> prefix, String mode, Backend backend, String... extra)
            throws Exception {
        Path readable = Files.createDirectories(dir.resolve("cp"));
        List<String> classpath = new ArrayList<>();
        int n = 0;
        // what LimitChild needs, wherever the launcher (surefire, the console launcher) put it
        for (Class<?> needed : List.of(LimitChild.class, dev.spawn.Spawner.class,
                dev.spawn.linux.UserspaceBackend.class, com.sun.jna.Native.class, org.slf4j.LoggerFactory.class)) {
            Path path = Paths.get(needed.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isDirectory(path)) { // copied too: it may sit under a directory nobody cannot enter
                Path copy = readable.resolve((n++) + "-classes");
                try (java.util.stream.Stream<Path> tree = Files.walk(path)) {
                    for (Path from : (Iterable<Path>) tree::iterator) {
                        Path to = copy.resolve(path.relativize(from).toString());
                        Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES);
                        to.toFile().setReadable(true, false);
                        if (Files.isDirectory(to)) {
                            to.toFile().setExecutable(true, false);
                        }
                    }
                }
                classpath.add(copy.toString());
            } else {
                Path copy = readable.resolve((n++) + "-" + path.getFileName());
                Files.copy(path, copy);
                copy.toFile().setReadable(true, false);
                classpath.add(copy.toString());
            }
        }
        Path probe = Probes.probeCopy(readable, "spawn-probe");
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        for (Path p : List.of(dir, readable, tmp)) {
            p.toFile().setReadable(true, false);
            p.toFile().setExecutable(true, false);
            p.toFile().setWritable(true, false);
        }
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UseDynamicNumberOfCompilerThreads",
                "-Xcheck:jni", "-Djava.io.tmpdir=" + tmp, "-Djna.tmpdir=" + tmp, "-Duser.home=" + tmp,
                "-cp", String.join(":", classpath), LimitChild.class.getName(), mode, backend.name(),
                probe.toString()));
        command.addAll(Arrays.asList(extra));
        Process jvm = new ProcessBuilder(command).redirectErrorStream(true).directory(tmp.toFile()).start();
        Future<String> output = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "limit-child-reader");
            t.setDaemon(true);
            return t;
        }).submit(() -> new String(jvm.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        if (!jvm.waitFor(120, TimeUnit.SECONDS)) {
            jvm.destroyForcibly().waitFor();
            fail("the child JVM hung: " + output.get(10, TimeUnit.SECONDS));
        }
        String text = output.get(10, TimeUnit.SECONDS);
        System.out.println("[fault " + mode + " " + backend + "]\n" + text);
        assertEquals(0, jvm.exitValue(), "the child JVM failed or crashed:\n" + text);
        return Arrays.asList(text.split("\n"));
    }

    // ---------------------------------------------------------------- children and streams

    /** SIGKILL from outside while the child is mid-output: what it wrote, then EOF, then 137. */
    @ParameterizedTest
    @EnumSource(names = {"USERSPACE", "PROCESS_BUILDER"})
    void childKilledMidOutput(Backend backend) throws Exception {
        try (SpawnTemplate probe = Spawner.using(backend).template(Probes.probe())) {
            SpawnedProcess child = probe.spawn(SpawnRequest.builder("p", "emit", "first-part", "60000").build());
            InputStream out = child.getInputStream();
            assertEquals("first-part\n", new String(out.readNBytes(11), StandardCharsets.UTF_8));
            assertTrue(ProcessHandle.of(child.pid()).orElseThrow().destroyForcibly()); // kill(pid, SIGKILL)
            assertEquals("", bounded(() -> new String(out.readAllBytes(), StandardCharsets.UTF_8)));
            assertTrue(child.waitFor(10, TimeUnit.SECONDS));
            assertEquals(137, child.exitValue());
            assertEquals(0, child.getErrorStream().readAllBytes().length);
        }
    }

    /** The reader closes early: the JVM lives, the child dies of SIGPIPE (141) as with ProcessBuilder. */
    @ParameterizedTest
    @EnumSource(names = {"USERSPACE", "PROCESS_BUILDER"})
    void readerClosingEarlyGivesTheChildSigpipe(Backend backend) throws Exception {
        try (SpawnTemplate yes = Spawner.using(backend).template(Paths.get("/usr/bin/yes"))) {
            SpawnedProcess child = yes.spawn(SpawnRequest.builder("yes", "spawn").build());
            byte[] some = child.getInputStream().readNBytes(100_000);
            assertEquals("spawn\n", new String(some, 0, 6, StandardCharsets.US_ASCII));
            child.getInputStream().close();
            assertTrue(child.waitFor(10, TimeUnit.SECONDS), "yes kept running after its reader closed");
            assertEquals(141, child.exitValue(), "128 + SIGPIPE");
            assertEquals("", new String(child.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        }
        Process jdk = new ProcessBuilder("/usr/bin/yes", "spawn").start();
        jdk.getInputStream().readNBytes(100_000);
        jdk.getInputStream().close();
        assertTrue(jdk.waitFor(10, TimeUnit.SECONDS));
        assertEquals(141, jdk.exitValue(), "ProcessBuilder's own outcome, for comparison");
    }

    /** Writing to a child that closed its stdin: IOException (EPIPE), never a SIGPIPE death of the JVM. */
    @Test
    void writerToAChildThatClosedItsStdinGetsBrokenPipe() throws Exception {
        try (SpawnTemplate probe = Spawner.using(Backend.USERSPACE).template(Probes.probe())) {
            SpawnedProcess child = probe.spawn(SpawnRequest.builder("p", "sleep", "3000")
                    .action(SpawnAction.close(0)).build());
            OutputStream in = child.getOutputStream();
            IOException broken = assertThrows(IOException.class, () -> {
                for (int i = 0; i < 1000; i++) {
                    in.write(new byte[65536]);
                }
            });
            assertTrue(broken.getMessage().contains("EPIPE"), broken.getMessage());
            assertTrue(child.isAlive());
            child.destroyForcibly();
            assertTrue(child.waitFor(10, TimeUnit.SECONDS));
            assertEquals(137, child.exitValue());
        }
    }

    /** An interrupted waitFor throws InterruptedException; the child is still reaped later. */
    @ParameterizedTest
    @EnumSource(names = {"USERSPACE", "PROCESS_BUILDER"})
    void interruptedWaitForThrowsAndTheChildIsStillReaped(Backend backend) throws Exception {
        try (SpawnTemplate probe = Spawner.using(backend).template(Probes.probe())) {
            SpawnedProcess child = probe.spawn(SpawnRequest.builder("p", "sleep", "700").build());
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            CountDownLatch waiting = new CountDownLatch(1);
            Thread waiter = new Thread(() -> {
                waiting.countDown();
                try {
                    child.waitFor();
                    thrown.set(new AssertionError("waitFor returned"));
                } catch (Throwable t) {
                    thrown.set(t);
                }
            }, "interrupted-waiter");
            waiter.start();
            waiting.await();
            Thread.sleep(100);
            waiter.interrupt();
            waiter.join(10_000);
            assertFalse(waiter.isAlive());
            assertTrue(thrown.get() instanceof InterruptedException, String.valueOf(thrown.get()));
            assertTrue(child.isAlive(), "the interrupt must not touch the child");
            assertEquals(0, child.onExit().get(10, TimeUnit.SECONDS).exitValue());
            Probes.finish(child);
        }
    }

    // ---------------------------------------------------------------- templates under fire

    /**
     * One thread closes the template while four spawn from it, then grabs the freed fd numbers
     * with an executable that prints nothing (/bin/false): every spawn either ran the probe
     * (its token on stdout, exit 0) or threw IllegalStateException; nothing else, and never
     * /bin/false (an fd number reused under a spawn in flight).
     */
    @ParameterizedTest
    @EnumSource(names = {"USERSPACE", "PROCESS_BUILDER"})
    void templateClosedWhileOthersSpawn(Backend backend) throws Exception {
        Spawner spawner = Spawner.using(backend);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        AtomicLong ran = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        List<FileChannel> squatters = new ArrayList<>();
        try {
            for (int round = 0; round < 5; round++) {
                SpawnTemplate probe = spawner.template(Probes.probe());
                List<Future<?>> workers = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    int thread = t;
                    workers.add(pool.submit(() -> {
                        for (int i = 0; i < 10_000; i++) {
                            String token = "t" + thread + "-" + i;
                            SpawnedProcess child;
                            try {
                                child = probe.spawn(SpawnRequest.builder("p", "echo", token).build());
                            } catch (IllegalStateException closed) {
                                refused.incrementAndGet();
                                return null;
                            }
                            Probes.Result result = Probes.finish(child);
                            assertEquals(new Probes.Result(0, token + "\n", ""), result, "a spawn ran something else");
                            ran.incrementAndGet();
                        }
                        return null;
                    }));
                }
                Thread.sleep(150);
                probe.close();
                for (int i = 0; i < 8; i++) {
                    squatters.add(FileChannel.open(Paths.get("/bin/false"), StandardOpenOption.READ));
                }
                for (Future<?> worker : workers) {
                    worker.get(60, TimeUnit.SECONDS);
                }
                for (FileChannel squatter : squatters) {
                    squatter.close();
                }
                squatters.clear();
            }
        } finally {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
            for (FileChannel squatter : squatters) {
                squatter.close();
            }
        }
        System.out.println("[fault close-race " + backend + "] ran " + ran + ", refused " + refused);
        assertEquals(20, refused.get(), "every worker of every round ends on IllegalStateException");
        assertTrue(ran.get() > 0);
    }

    /**
     * The executable is renamed over, every 2 ms, with one of two different programs (the probe,
     * /bin/echo) while 16 threads spawn {@code echo hi} from its template: every call runs one of
     * the two (the probe prints "hi", /bin/echo "echo hi"); none fails.
     *
     * <p>The replacement is a hard link of a file written before the test, renamed over the
     * tool: writing a fresh copy for each rename would let a child forked meanwhile (by either
     * backend) inherit the JDK's write fd until its exec, and execs of the new file would fail
     * with ETXTBSY — a property of fork-and-exec in a process that writes executables, not of
     * this library (ProcessBuilder shows it as well).
     */
    @ParameterizedTest
    @EnumSource(names = {"USERSPACE", "PROCESS_BUILDER"})
    void executableRenamedOverWhileSixteenThreadsSpawn(Backend backend) throws Exception {
        Path tool = Probes.probeCopy(dir, "tool");
        Path probeCopy = Probes.probeCopy(dir, "a.probe");
        Path echoCopy = dir.resolve("b.echo");
        Files.copy(Paths.get("/bin/echo"), echoCopy, StandardCopyOption.COPY_ATTRIBUTES);
        Map<String, AtomicLong> seen = new ConcurrentHashMap<>();
        Map<String, AtomicLong> failures = new ConcurrentHashMap<>();
        AtomicLong renames = new AtomicLong();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
        ExecutorService pool = Executors.newFixedThreadPool(17);
        try (SpawnTemplate template = Spawner.using(backend).template(tool)) {
            Future<?> renamer = pool.submit(() -> {
                for (int i = 0; System.nanoTime() < end; i++) {
                    Path next = dir.resolve("next");
                    Files.createLink(next, i % 2 == 0 ? echoCopy : probeCopy);
                    Files.move(next, tool, StandardCopyOption.ATOMIC_MOVE);
                    renames.incrementAndGet();
                    Thread.sleep(2);
                }
                return null;
            });
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                workers.add(pool.submit(() -> {
                    while (System.nanoTime() < end) {
                        try {
                            Probes.Result result = Probes.finish(
                                    template.spawn(SpawnRequest.builder("x", "echo", "hi").build()));
                            String what = result.exit() + " " + result.out().trim();
                            (what.equals("0 hi") || what.equals("0 echo hi") ? seen : failures)
                                    .computeIfAbsent(what, k -> new AtomicLong()).incrementAndGet();
                        } catch (Exception e) {
                            failures.computeIfAbsent(Probes.describe(e) + ": " + e.getMessage(),
                                    k -> new AtomicLong()).incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            renamer.get(60, TimeUnit.SECONDS);
            for (Future<?> worker : workers) {
                worker.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
        }
        System.out.println("[fault rename " + backend + "] " + renames + " renames, ran " + seen + ", failed "
                + failures);
        assertEquals(Map.of(), Map.copyOf(failures), "calls that ran neither program");
        assertTrue(seen.containsKey("0 hi") && seen.containsKey("0 echo hi"), "both programs ran: " + seen);
    }

    private interface Io<T> {
        T get() throws Exception;
    }

    private static <T> T bounded(Io<T> body) throws Exception {
        ExecutorService one = Executors.newSingleThreadExecutor();
        try {
            return one.submit(body::get).get(10, TimeUnit.SECONDS);
        } finally {
            one.shutdownNow();
            one.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    static Stdio discard() {
        return Stdio.discard();
    }
}
