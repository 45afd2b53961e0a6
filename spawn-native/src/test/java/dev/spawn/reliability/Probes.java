package dev.spawn.reliability;

import dev.spawn.SpawnException;
import dev.spawn.SpawnedProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** The probe child (src-c/test/spawn-probe.c) and small helpers of the reliability tests. */
final class Probes {
    private Probes() {
    }

    static Path probe() {
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

    static Path probeCopy(Path dir, String name) throws IOException {
        Path copy = dir.resolve(name);
        Files.copy(probe(), copy, StandardCopyOption.REPLACE_EXISTING);
        copy.toFile().setExecutable(true, false);
        return copy;
    }

    /** What a child did. */
    record Result(int exit, String out, String err) {
    }

    /** Drains both pipes and waits, bounded: a child that hangs fails the test instead. */
    static Result finish(SpawnedProcess process) throws Exception {
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process, true));
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
