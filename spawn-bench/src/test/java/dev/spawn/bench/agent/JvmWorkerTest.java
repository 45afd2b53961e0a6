package dev.spawn.bench.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A worker JVM as the runner uses it: through {@link SplitRun}, the call file and the worker protocol. */
class JvmWorkerTest {
    @Test
    void reportsItsCallsItsOwnCpuTimeToTheNanosecondAndItsJitTime(@TempDir Path dir) throws Exception {
        RunResult result = catCalls(dir, 8, List.of()).run(Engine.USERSPACE, new Split(1, 2), 0, started -> { });

        assertEquals(8, result.calls());
        for (CallOutcome outcome : result.outcomes()) {
            assertNull(outcome.error(), outcome.toString());
            assertEquals(0, outcome.exitCode(), outcome.toString());
        }
        assertTrue(result.workerCpuNanos() > 0, "cpu " + result.workerCpuNanos());
        // times(2), behind getProcessCpuTime() on JDK 17, counts in 10 ms ticks
        assertNotEquals(0, result.workerCpuNanos() % 10_000_000, "cpu " + result.workerCpuNanos());
        if (CompilerCpu.now() != null) {
            assertTrue(result.workerJitNanos() >= 0, "the JIT line after DONE: " + result.workerJitNanos());
        }
    }

    @Test
    void theJvmsOwnOutputLeavesTheProtocolWhole(@TempDir Path dir) throws Exception {
        // HotSpot writes PrintCompilation's lines in pieces, on whatever stream it prints to
        RunResult result = catCalls(dir, 600, List.of("-XX:+PrintCompilation"))
                .run(Engine.USERSPACE, new Split(1, 4), 0, started -> { });

        assertEquals(600, result.calls());
        try (var logFiles = Files.list(dir.resolve("logs"))) {
            String log = Files.readString(logFiles.findFirst().orElseThrow());
            assertTrue(log.contains("java.lang.String::"), "PrintCompilation's output lands in the worker's log");
        }
    }

    /** {@code count} calls of {@code cat a.txt} in a workspace under {@code dir}, its worker logs in dir/logs. */
    private static SplitRun catCalls(Path dir, int count, List<String> jvmArgs) throws Exception {
        Path workspace = Files.createDirectories(dir.resolve("ws"));
        Files.writeString(workspace.resolve("a.txt"), "hello\n");
        List<CallSpec> calls = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            calls.add(new CallSpec(i, Tool.CAT, List.of("a.txt")));
        }
        Path callsFile = dir.resolve("calls.tsv");
        CallFile.write(callsFile, calls, Map.of("cat", new ResolvedTool("cat", Path.of("/bin/cat"),
                Path.of("/bin/cat").toRealPath(), null, null)));
        Path logs = Files.createDirectories(dir.resolve("logs"));
        return new SplitRun(callsFile, callsFile, workspace, logs, jvmArgs, null, "spawn", false, new Workers());
    }
}
