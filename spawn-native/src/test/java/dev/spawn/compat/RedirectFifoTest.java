package dev.spawn.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spawn.SpawnProcessBuilder;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A redirect file is opened once, as ProcessBuilder opens it: a FIFO opened and closed on the
 * way would hand its writer's data, or its end of file, to nobody.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RedirectFifoTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"jdk", "spawn"})
    void aFifoOnStdinWithStderrMergedAndItsOwnFileNamed(String builder) throws Exception {
        Path fifo = dir.resolve("fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        AtomicReference<IOException> writeFailure = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            try (OutputStream out = Files.newOutputStream(fifo)) {
                out.write("through the fifo\n".getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                writeFailure.set(e);
            }
        }, "fifo-writer");
        writer.start();
        Path unused = dir.resolve("stderr-unused");
        ExecutorService starter = Executors.newSingleThreadExecutor();
        Future<Process> started = starter.submit(() -> builder.equals("jdk")
                ? new ProcessBuilder("cat").redirectInput(fifo.toFile()).redirectErrorStream(true)
                        .redirectError(unused.toFile()).start()
                : new SpawnProcessBuilder("cat").redirectInput(fifo.toFile()).redirectErrorStream(true)
                        .redirectError(unused.toFile()).start());
        Process process;
        try {
            process = started.get(10, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            // a second open waits for a writer that is gone: be one, so the test ends
            new ProcessBuilder("sh", "-c", "exec 3>\"$1\"", "sh", fifo.toString()).start().waitFor();
            started.get(10, TimeUnit.SECONDS).waitFor();
            throw new AssertionError("start() blocked on the FIFO: it opened it a second time", e);
        } finally {
            starter.shutdown();
        }
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor());
        writer.join();
        assertNull(writeFailure.get());
        assertEquals("through the fifo\n", out);
        assertTrue(Files.exists(unused), "stderr's file is created though unused, as ProcessBuilder does");
    }
}
