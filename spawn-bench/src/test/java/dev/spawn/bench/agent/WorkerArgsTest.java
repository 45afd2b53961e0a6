package dev.spawn.bench.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.spawn.Backend;
import dev.spawn.bench.agent.WorkerSession.WorkerArgs;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class WorkerArgsTest {
    private static final String[] REQUIRED = {"--calls", "c.tsv", "--warmup", "w.tsv", "--workspace", "/ws",
        "--worker", "1", "--workers", "2", "--in-flight", "8", "--backend", "userspace"};

    @Test
    void theRequiredOptionsAloneMeanSpawnAndNoSettling() {
        assertEquals(new WorkerArgs(Path.of("c.tsv"), Path.of("w.tsv"), Path.of("/ws"), 1, 2, 8, Backend.USERSPACE,
                false, false), WorkerArgs.parse(REQUIRED));
    }

    @Test
    void parsesTheApiAndJitSettling() {
        WorkerArgs args = WorkerArgs.parse(with("--api", "toolcall", "--settle-jit", "yes"));
        assertEquals(true, args.toolCall());
        assertEquals(true, args.settleJit());
    }

    @Test
    void rejectsAMissingOrBadValueAndAMissingOption() {
        assertThrows(IllegalArgumentException.class, () -> WorkerArgs.parse(with("--settle-jit")));
        assertThrows(IllegalArgumentException.class, () -> WorkerArgs.parse(with("--settle-jit", "maybe")));
        assertThrows(IllegalArgumentException.class, () -> WorkerArgs.parse(new String[] {"--calls", "c.tsv"}));
    }

    private static String[] with(String... more) {
        String[] all = new String[REQUIRED.length + more.length];
        System.arraycopy(REQUIRED, 0, all, 0, REQUIRED.length);
        System.arraycopy(more, 0, all, REQUIRED.length, more.length);
        return all;
    }
}
