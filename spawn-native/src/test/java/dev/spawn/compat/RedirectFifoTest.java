package dev.spawn.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spawn.SpawnProcessBuilder;
import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A FIFO given as stdin is opened once, as ProcessBuilder opens it, also when the start fails
 * after it: a second open would pair with its writer and close on it, or wait for a writer that
 * is gone. Each case runs both builders; a start that blocks fails the test after 10 s.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedirectFifoTest {
    private static final String TEXT = "through the fifo\n";

    @TempDir
    Path dir;

    private Path fifo;
    private Thread writer;
    private final AtomicReference<IOException> writeFailure = new AtomicReference<>();

    @BeforeEach
    void fifoWithAWriterThatWritesOnce() throws Exception {
        fifo = dir.resolve("fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        writer = new Thread(() -> {
            try (OutputStream out = Files.newOutputStream(fifo)) {
                out.write(TEXT.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                writeFailure.set(e);
            }
        }, "fifo-writer");
        writer.start();
    }

    @AfterEach
    void writerDone() throws Exception {
        writer.join(10_000);
        if (writer.isAlive()) {
            // be its reader, so no thread stays blocked in open() after a failure
            new ProcessBuilder("sh", "-c", "exec 3<\"$1\"", "sh", fifo.toString()).start().waitFor(10, TimeUnit.SECONDS);
            writer.join(10_000);
            throw new AssertionError("the writer never got a reader");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdk", "spawn"})
    void onStdinWithStderrMergedAndItsOwnFileNamed(String builder) throws Exception {
        Path unused = dir.resolve("stderr-unused");
        Process process = startWithin10s(() -> builder.equals("jdk")
                ? new ProcessBuilder("cat").redirectInput(fifo.toFile()).redirectErrorStream(true)
                        .redirectError(unused.toFile()).start()
                : new SpawnProcessBuilder("cat").redirectInput(fifo.toFile()).redirectErrorStream(true)
                        .redirectError(unused.toFile()).start());
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor());
        writer.join();
        assertNull(writeFailure.get());
        assertEquals(TEXT, out);
        assertTrue(Files.exists(unused), "stderr's file is created though unused, as ProcessBuilder does");
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdk", "spawn"})
    void onStdinOfAStartThatFailsOnItsWorkingDirectory(String builder) throws Exception {
        File missing = dir.resolve("no-such-dir").toFile();
        ExecutionException failed = assertThrows(ExecutionException.class,
                () -> startWithin10s(() -> builder.equals("jdk")
                        ? new ProcessBuilder("cat").redirectInput(fifo.toFile()).directory(missing).start()
                        : new SpawnProcessBuilder("cat").redirectInput(fifo.toFile()).directory(missing).start()));
        assertEquals(IOException.class, failed.getCause().getClass());
        assertEquals("Cannot run program \"cat\" (in directory \"" + missing + "\"): "
                + execDetail(2, "No such file or directory"), failed.getCause().getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdk", "spawn"})
    void onStdinOfAStartThatFailsOnItsStdoutFile(String builder) throws Exception {
        File directory = dir.toFile();
        ExecutionException failed = assertThrows(ExecutionException.class,
                () -> startWithin10s(() -> builder.equals("jdk")
                        ? new ProcessBuilder("cat").redirectInput(fifo.toFile()).redirectOutput(directory).start()
                        : new SpawnProcessBuilder("cat").redirectInput(fifo.toFile()).redirectOutput(directory).start()));
        assertEquals(IOException.class, failed.getCause().getClass());
        assertEquals("Cannot run program \"cat\": " + directory + " (Is a directory)", failed.getCause().getMessage());
        assertEquals(FileNotFoundException.class, failed.getCause().getCause().getClass());
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdk", "spawn"})
    void onStdinOfAStartWhoseCachedProgramWasDeleted(String builder) throws Exception {
        Path tool = Files.copy(Path.of("/bin/cat"), dir.resolve("tool-" + builder));
        // the first start caches SpawnProcessBuilder's template; the second finds it stale
        Process first = builder.equals("jdk") ? new ProcessBuilder(tool.toString(), "/dev/null").start()
                : new SpawnProcessBuilder(tool.toString(), "/dev/null").start();
        assertEquals(0, first.waitFor());
        Files.delete(tool);
        ExecutionException failed = assertThrows(ExecutionException.class,
                () -> startWithin10s(() -> builder.equals("jdk")
                        ? new ProcessBuilder(tool.toString()).redirectInput(fifo.toFile()).start()
                        : new SpawnProcessBuilder(tool.toString()).redirectInput(fifo.toFile()).start()));
        assertEquals("Cannot run program \"" + tool + "\": " + execDetail(2, "No such file or directory"),
                failed.getCause().getMessage());
    }

    /** The JDK's detail for a failed exec: its format changed in JDK 25. */
    private static String execDetail(int errno, String description) {
        return Runtime.version().feature() >= 25 ? "Exec failed, error: " + errno + " (" + description + ") "
                : "error=" + errno + ", " + description;
    }

    private Process startWithin10s(Callable<Process> start) throws Exception {
        ExecutorService starter = Executors.newSingleThreadExecutor();
        Future<Process> started = starter.submit(start);
        try {
            return started.get(10, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            // a second open waits for a writer that is gone: be one, so the test ends
            new ProcessBuilder("sh", "-c", "exec 3>\"$1\"", "sh", fifo.toString()).start().waitFor(10, TimeUnit.SECONDS);
            try {
                started.get(10, TimeUnit.SECONDS).destroyForcibly().waitFor();
            } catch (ExecutionException ignored) {
                // the start failed once unblocked: the block is the finding
            }
            throw new AssertionError("start() blocked on the FIFO: it opened it a second time", e);
        } finally {
            starter.shutdown();
        }
    }
}
