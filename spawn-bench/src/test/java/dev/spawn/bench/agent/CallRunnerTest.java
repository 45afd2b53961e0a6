package dev.spawn.bench.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.spawn.Backend;
import dev.spawn.SpawnTemplate;
import dev.spawn.Spawner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Both ways the runner drives a library backend give the same outcome for the same call. */
class CallRunnerTest {
    @Test
    void spawnAndToolCallAgree(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a.txt"), "x\n".repeat(100_000), StandardCharsets.UTF_8);
        Spawner spawner = Spawner.using(Backend.USERSPACE);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (SpawnTemplate sh = spawner.template(Path.of("/bin/sh"))) {
            List<CallSpec> calls = List.of(new CallSpec(0, Tool.SH, List.of("-c", "cat a.txt; echo e >&2; exit 4")),
                    new CallSpec(1, Tool.SH, List.of("-c", "kill -9 $$")));
            for (CallSpec call : calls) {
                CallOutcome viaSpawn = new CallRunner(dir, Backend.USERSPACE, pool, false).run(sh, call);
                CallOutcome viaToolCall = new CallRunner(dir, Backend.USERSPACE, pool, true).run(sh, call);
                assertNull(viaSpawn.error(), viaSpawn.toString());
                assertNull(viaToolCall.error(), viaToolCall.toString());
                assertEquals(viaSpawn.exitCode(), viaToolCall.exitCode());
                assertEquals(viaSpawn.stdoutSha256(), viaToolCall.stdoutSha256());
                assertEquals(viaSpawn.stdoutBytes(), viaToolCall.stdoutBytes());
                assertEquals(viaSpawn.stderrBytes(), viaToolCall.stderrBytes());
            }
            assertEquals(4, new CallRunner(dir, Backend.USERSPACE, pool, true).run(sh, calls.get(0)).exitCode());
            assertEquals(137, new CallRunner(dir, Backend.USERSPACE, pool, true).run(sh, calls.get(1)).exitCode());
        } finally {
            pool.shutdownNow();
        }
    }
}
