package dev.spawn.bench.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The caller's repository variables (set by surefire here, as a git hook sets them) reach no tool. */
class GitEnvironmentTest {
    private static final Path DRIVER = Path.of("..").resolve(CDriver.BUILD_OUTPUT).toAbsolutePath().normalize();

    @Test
    void removesTheVariablesThatLocateARepositoryAndKeepsTheRest() {
        Map<String, String> env = new HashMap<>(Map.of("GIT_DIR", "/r/.git", "GIT_WORK_TREE", "/r",
                "GIT_INDEX_FILE", "/r/.git/index", "GIT_OBJECT_DIRECTORY", "/o", "GIT_COMMON_DIR", "/c",
                "GIT_CONFIG_COUNT", "1", "GIT_CONFIG_KEY_0", "core.bare", "GIT_CONFIG_VALUE_0", "true",
                "GIT_AUTHOR_NAME", "someone", "PATH", "/usr/bin:/bin"));
        GitEnvironment.removeRepositoryVariables(env);
        assertEquals(Map.of("GIT_AUTHOR_NAME", "someone", "PATH", "/usr/bin:/bin"), env);
    }

    @ParameterizedTest
    @EnumSource(value = Engine.class, names = {"PROCESS_BUILDER", "USERSPACE", "C", "C_POSIX"})
    void theWorkersToolsDoNotSeeTheCallersRepository(Engine engine, @TempDir Path dir) throws Exception {
        assertNotNull(System.getenv("GIT_DIR"), "spawn-bench's surefire configuration sets GIT_DIR");
        Path workspace = Files.createDirectories(dir.resolve("ws"));
        Path callsFile = dir.resolve("calls.tsv");
        CallFile.write(callsFile, List.of(new CallSpec(0, Tool.SH, List.of("-c",
                "echo \"${GIT_DIR-unset} ${GIT_WORK_TREE-unset} ${GIT_INDEX_FILE-unset}\""))),
                Map.of("sh", new ResolvedTool("sh", Path.of("/bin/sh"), Path.of("/bin/sh"), null, null)));

        RunResult result = new SplitRun(callsFile, callsFile, workspace, Files.createDirectories(dir.resolve("logs")),
                List.of(), DRIVER, "spawn", false, new Workers()).run(engine, new Split(1, 1), 0, started -> { });

        assertEquals(sha256("unset unset unset\n"), result.outcomes().get(0).stdoutSha256());
    }

    @Test
    void theFixtureMakesItsOwnRepositoryWhateverTheCallersIs(@TempDir Path dir) throws Exception {
        Path callers = Path.of(System.getenv("GIT_DIR"));
        Fixture fixture = Fixture.create(dir.resolve("workspace"), 1, Path.of("/usr/bin/git"));
        assertTrue(Files.isDirectory(fixture.root().resolve(".git/objects")));
        assertFalse(Files.exists(callers), "git wrote into " + callers);
    }

    private static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
