package dev.spawn.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import dev.spawn.Backend;
import dev.spawn.SpawnRequest;
import dev.spawn.SpawnTemplate;
import dev.spawn.SpawnedProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** What the native tests share: the probe child, running it, and fd bookkeeping. */
public final class TestSupport {
    private static final int O_WRONLY = 1;
    private static final int O_NONBLOCK = 04000;

    private TestSupport() {
    }

    /** The probe program built from src-c; its absence fails the test rather than skipping it. */
    public static Path probePath() {
        String path = System.getProperty("spawn.test.probe");
        if (path == null) {
            throw new IllegalStateException("-Dspawn.test.probe is not set: build with Maven or pass the path");
        }
        Path probe = Paths.get(path);
        if (!Files.isExecutable(probe)) {
            throw new IllegalStateException("probe " + probe + " is missing or not executable");
        }
        return probe;
    }

    /** A fresh copy of the probe, to chmod, rename over or hold a template on. */
    public static Path probeCopy(Path dir, String name) throws IOException {
        Path copy = dir.resolve(name);
        Files.copy(probePath(), copy, StandardCopyOption.REPLACE_EXISTING);
        copy.toFile().setExecutable(true, false);
        return copy;
    }

    /** What a child did: exit code, stdout, stderr. */
    record Result(int exit, String out, String err) {
    }

    /** Spawns, checks the backend that served it, drains both pipes, and waits. */
    static Result run(SpawnTemplate template, Backend expected, SpawnRequest request) throws Exception {
        SpawnedProcess process = template.spawn(request);
        assertEquals(expected, process.backend(), "the child was started by the wrong backend");
        // A thread of its own: the common pool may have one worker on 2 cores, and another
        // test's blocked task could hold it.
        CompletableFuture<String> err = new CompletableFuture<>();
        Thread errReader = new Thread(() -> {
            try {
                err.complete(readAll(process, true));
            } catch (RuntimeException e) {
                err.completeExceptionally(e);
            }
        }, "stderr-reader");
        errReader.setDaemon(true);
        errReader.start();
        String out = readAll(process, false);
        int exit = process.waitFor();
        return new Result(exit, out, err.get());
    }

    private static String readAll(SpawnedProcess process, boolean error) {
        try {
            return new String((error ? process.getErrorStream() : process.getInputStream()).readAllBytes(),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The fd number at which this process has {@code file} open, found through /proc/self/fd. */
    static int fdOf(Path file) throws IOException {
        Path target = file.toRealPath();
        try (Stream<Path> fds = Files.list(Paths.get("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).equals(target);
                } catch (IOException gone) {
                    return false;
                }
            }).mapToInt(fd -> Integer.parseInt(fd.getFileName().toString())).findFirst()
                    .orElseThrow(() -> new IllegalStateException(file + " is not open in this process"));
        }
    }

    /** Whether fd {@code fd} of this process has FD_CLOEXEC, from /proc/self/fdinfo. */
    static boolean closeOnExec(int fd) throws IOException {
        for (String line : Files.readAllLines(Paths.get("/proc/self/fdinfo/" + fd))) {
            if (line.startsWith("flags:")) {
                return (Long.parseLong(line.substring(6).trim(), 8) & 02000000) != 0;
            }
        }
        throw new IllegalStateException("no flags line in /proc/self/fdinfo/" + fd);
    }

    /** A few libc calls the tests make on the JVM itself. */
    interface LibC extends Library {
        LibC INSTANCE = Native.load("c", LibC.class);

        Pointer signal(int signal, Pointer handler);

        int prctl(int option, long arg2, long arg3, long arg4, long arg5);

        int dup2(int oldfd, int newfd);

        int setenv(String name, String value, int overwrite);

        int unsetenv(String name);
    }

    static final Pointer SIG_IGN = new Pointer(1);
    static final int PR_SET_KEEPCAPS = 8;

    /**
     * Waits, at most 5 s, until {@code pid} is a zombie, without reaping it (isAlive() would).
     *
     * @return true once it is a zombie; false when it is gone, reaped by someone else first
     */
    public static boolean awaitZombie(long pid) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            String stat;
            try {
                stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            } catch (NoSuchFileException reaped) {
                return false;
            } catch (IOException e) {
                // reaped between the open and the read: ESRCH
                if (Files.exists(Path.of("/proc/" + pid))) {
                    throw e;
                }
                return false;
            }
            if (stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z")) {
                return true;
            }
            assertTrue(System.nanoTime() < deadline, "child " + pid + " did not exit: " + stat);
            Thread.sleep(1);
        }
    }

    /** Makes a FIFO at {@code path} and returns it. */
    static Path mkfifo(Path path) throws IOException, InterruptedException {
        assertEquals(0, new ProcessBuilder("mkfifo", path.toString()).start().waitFor());
        return path;
    }

    /** One open of the write end lets every reader blocked in its open go on (to EOF). */
    static void releaseFifoReaders(Path fifo) {
        int fd = LibSpawn.spawn_open(CStrings.of(fifo.toString()), O_WRONLY | O_NONBLOCK, 0);
        if (fd >= 0) {
            LibSpawn.spawn_close(fd);
        }
    }

    /**
     * Until {@code count} children of this JVM wait before their exec, at most 10 s: such a child
     * still has the name of the thread that cloned it, which starts with {@code threadName}.
     * (Read from {@code /proc/N/stat}, not from a thread's {@code children} file, which kernels
     * without CONFIG_PROC_CHILDREN lack.)
     */
    static void awaitChildrenNamed(String threadName, int count) throws IOException, InterruptedException {
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
                    if (name.startsWith(threadName) && Long.parseLong(rest[1]) == self) {
                        stuck++;
                    }
                }
            }
            if (stuck >= count) {
                return;
            }
            assertTrue(System.nanoTime() < deadline, stuck + " of " + count + " children of " + threadName
                    + "* wait before exec");
            Thread.sleep(10);
        }
    }
}
