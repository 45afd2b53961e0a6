package dev.spawn.bench.agent;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the C reference driver ({@code agent-driver}, built by {@code make -C src-c all}): the
 * {@code --c-driver} option, else {@code $SPAWN_BENCH_CDRIVER}, else the copy bundled in this jar
 * (extracted into the run's temp folder), else {@code spawn-native/target/native/agent-driver} under
 * the working directory.
 */
final class CDriver {
    static final String RESOURCE = "/dev/spawn/bench/native/agent-driver";
    static final Path BUILD_OUTPUT = Path.of("spawn-native", "target", "native", "agent-driver");

    private CDriver() {
    }

    /**
     * @throws UsageError naming every place looked at
     */
    static Path locate(Path explicit, Path extractInto) throws IOException {
        if (explicit != null) {
            return executable(explicit.toAbsolutePath(), "--c-driver");
        }
        String configured = System.getenv("SPAWN_BENCH_CDRIVER");
        if (configured != null && !configured.isBlank()) {
            return executable(Path.of(configured).toAbsolutePath(), "SPAWN_BENCH_CDRIVER");
        }
        List<String> tried = new ArrayList<>();
        try (InputStream in = CDriver.class.getResourceAsStream(RESOURCE)) {
            if (in != null) {
                Path target = extractInto.resolve("agent-driver");
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwx------"));
                return target;
            }
            tried.add("no " + RESOURCE + " in the class path");
        }
        Path built = BUILD_OUTPUT.toAbsolutePath();
        if (Files.isExecutable(built)) {
            return built;
        }
        tried.add("no " + built);
        throw new UsageError("the C reference driver is missing (" + String.join("; ", tried)
                + "): build with mvn package (make -C src-c all), pass --c-driver PATH, or leave c out of --backends");
    }

    private static Path executable(Path path, String source) {
        if (!Files.isRegularFile(path) || !Files.isExecutable(path)) {
            throw new UsageError(source + ": " + path + " is not an executable file");
        }
        return path;
    }
}
