package dev.spawn.bench.agent;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Finds the C reference driver ({@code agent-driver}, built by {@code make -C src-c all}): the
 * {@code --c-driver} option, else {@code $SPAWN_BENCH_CDRIVER}, else the copy bundled in this jar
 * (extracted into the run's temp folder), else {@code spawn-native/target/native/agent-driver} under
 * the working directory.
 */
final class CDriver {
    static final String RESOURCE = "/dev/spawn/bench/native/agent-driver";
    static final Path BUILD_OUTPUT = Path.of("spawn-native", "target", "native", "agent-driver");
    /** The check loads the driver and libcrypto and prints one line: milliseconds. */
    private static final long CHECK_SECONDS = 10;
    /** How the driver's {@code --check} line begins (agent-driver.c). */
    private static final String BANNER = "agent-driver: ";

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

    /**
     * Runs {@code driver --check} (its output into a file in {@code scratch}): whether it loads and
     * has libcrypto's SHA-256 on this machine. Returns what it says, {@code agent-driver: OpenSSL ...}.
     *
     * @throws UsageError naming the driver and what it or the loader said, also when it exits 0
     *     without the driver's banner: it is some other program
     */
    static String check(Path driver, Path scratch) throws IOException, InterruptedException {
        Path output = scratch.resolve("agent-driver-check.out");
        String said;
        String banner;
        int exit;
        try {
            Process process = new ProcessBuilder(driver.toString(), "--check").redirectErrorStream(true)
                    .redirectOutput(output.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            if (!process.waitFor(CHECK_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new UsageError("the C reference driver " + driver + " --check did not finish in " + CHECK_SECONDS
                        + " s");
            }
            exit = process.exitValue();
            String text = Files.readString(output, StandardCharsets.UTF_8);
            said = text.trim().replaceAll("\\s+", " ");
            // the loader may warn on stderr, merged here, before the driver's own line
            banner = text.lines().map(String::trim).filter(line -> line.startsWith(BANNER)).findFirst().orElse(null);
        } catch (IOException e) {
            throw new UsageError("the C reference driver " + driver + " cannot run: " + e.getMessage());
        } finally {
            Files.deleteIfExists(output);
        }
        if (exit != 0) {
            throw new UsageError("the C reference driver " + driver + " cannot run (exit code " + exit + ")"
                    + (said.isEmpty() ? "" : ": " + said));
        }
        // exit 0 alone is what /bin/true says too; the banner is what the driver says
        if (banner == null) {
            throw new UsageError(driver + " is not the C reference driver: its --check printed "
                    + (said.isEmpty() ? "nothing" : "\"" + said + "\"") + ", not \"" + BANNER + "...\"");
        }
        return banner;
    }

    private static Path executable(Path path, String source) {
        if (!Files.isRegularFile(path) || !Files.isExecutable(path)) {
            throw new UsageError(source + ": " + path + " is not an executable file");
        }
        return path;
    }
}
