package dev.spawn.bench.jmh;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The 832-byte file that the {@code catSmallFile} benchmarks read; the caller deletes it. */
final class SmallFile {
    private SmallFile() {
    }

    static Path create() throws IOException {
        Path file = Files.createTempFile("spawn-bench-", ".txt");
        Files.writeString(file, "a small file\n".repeat(64), StandardCharsets.UTF_8);
        return file;
    }
}
