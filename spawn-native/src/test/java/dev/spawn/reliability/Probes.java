package dev.spawn.reliability;

import dev.spawn.SpawnException;
import dev.spawn.SpawnedProcess;
import dev.spawn.linux.TestSupport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** The probe child (src-c/test/spawn-probe.c) and small helpers of the reliability tests. */
final class Probes {
    private Probes() {
    }

    static Path probe() {
        return TestSupport.probePath();
    }

    static Path probeCopy(Path dir, String name) throws IOException {
        return TestSupport.probeCopy(dir, name);
    }

    /** What a child did. */
    record Result(int exit, String out, String err) {
    }

    /** Drains both pipes and waits, bounded: a child that hangs fails the test instead. */
    static Result finish(SpawnedProcess process) throws Exception {
        // A thread of its own: the common pool may have a single worker on 2 cores.
        CompletableFuture<String> err = new CompletableFuture<>();
        Thread errReader = new Thread(() -> {
            try {
                err.complete(read(process, true));
            } catch (RuntimeException e) {
                err.completeExceptionally(e);
            }
        }, "stderr-reader");
        errReader.setDaemon(true);
        errReader.start();
        String out = read(process, false);
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(process + " did not exit within 30 s");
        }
        return new Result(process.exitValue(), out, err.get(30, TimeUnit.SECONDS));
    }

    private static String read(SpawnedProcess process, boolean error) {
        try {
            return new String((error ? process.getErrorStream() : process.getInputStream()).readAllBytes(),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code ExceptionClass} or {@code SpawnException STAGE ERRNO}: what the tables compare. */
    static String describe(Throwable t) {
        if (t instanceof SpawnException) {
            SpawnException e = (SpawnException) t;
            return "SpawnException " + e.stage() + " " + e.errnoName();
        }
        return t.getClass().getSimpleName();
    }
}
