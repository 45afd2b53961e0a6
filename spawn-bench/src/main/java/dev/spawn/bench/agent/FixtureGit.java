package dev.spawn.bench.agent;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs git in the fixture workspace with a fixed identity and dates and no user or system
 * config, so the same seed makes the same commit every time; a git that outlives the time limit
 * is killed with whatever it started.
 */
final class FixtureGit {
    private final Path git;
    private final Path directory;
    private final Duration timeout;

    FixtureGit(Path git, Path directory, Duration timeout) {
        this.git = git;
        this.directory = directory;
        this.timeout = timeout;
    }

    /**
     * Runs {@code git args...} in the directory.
     *
     * @throws IOException when git fails, naming its output, or does not finish in time
     */
    void run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(git.toString(), "-c", "user.email=bench@spawn.invalid",
                "-c", "user.name=spawn-bench", "-c", "commit.gpgsign=false", "-c", "core.autocrlf=false"));
        command.addAll(List.of(args));
        // A file, not a pipe: reading a pipe to its end would wait as long as a hung git does,
        // and the time limit would never be reached.
        Path output = Files.createTempFile("spawn-bench-git-", ".out");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(output.toFile()).redirectErrorStream(true);
            Map<String, String> env = builder.environment();
            GitEnvironment.removeRepositoryVariables(env);
            env.put("GIT_AUTHOR_NAME", "spawn-bench");
            env.put("GIT_AUTHOR_EMAIL", "bench@spawn.invalid");
            env.put("GIT_COMMITTER_NAME", "spawn-bench");
            env.put("GIT_COMMITTER_EMAIL", "bench@spawn.invalid");
            env.put("GIT_AUTHOR_DATE", "2024-01-01T00:00:00Z");
            env.put("GIT_COMMITTER_DATE", "2024-01-01T00:00:00Z");
            env.put("GIT_CONFIG_NOSYSTEM", "1");
            env.put("GIT_CONFIG_GLOBAL", "/dev/null");
            Process process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new IOException("git " + String.join(" ", args) + " did not finish in " + timeout.toSeconds()
                        + " s");
            }
            if (process.exitValue() != 0) {
                throw new IOException("git " + String.join(" ", args) + " failed with exit code "
                        + process.exitValue() + ": " + Files.readString(output, StandardCharsets.UTF_8).trim());
            }
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
