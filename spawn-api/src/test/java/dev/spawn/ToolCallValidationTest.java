package dev.spawn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a tool call could only fail on when it runs is refused when it is built: durations the
 * event loop cannot keep as System.nanoTime() deadlines, a directory no child can see.
 */
class ToolCallValidationTest {

    @Test
    void timeoutsBeyondAYearAreRefusedWithTheWayOut() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ToolCall.builder("rg").timeout(ChronoUnit.FOREVER.getDuration()));
        assertTrue(e.getMessage().contains("for no timeout, pass null"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ToolCall.builder("rg").timeout(Duration.ZERO));
        assertThrows(IllegalArgumentException.class,
                () -> ToolCall.builder("rg").drainTimeout(Duration.ofSeconds(Long.MAX_VALUE)));
        assertThrows(IllegalArgumentException.class,
                () -> KillPolicy.termThenKill(Duration.ofDays(366)));
    }

    @Test
    void theLongestAllowedValuesAreAccepted() {
        ToolCall call = ToolCall.builder("rg").timeout(ToolCall.LONGEST).drainTimeout(ToolCall.LONGEST).build();
        assertEquals(ToolCall.LONGEST, call.timeout());
        assertEquals(ToolCall.LONGEST, KillPolicy.termThenKill(ToolCall.LONGEST).grace());
    }

    @Test
    void aDirectoryOfAnotherFileSystemIsRefusedAsARequestsIs(@TempDir Path dir) throws Exception {
        try (FileSystem zip = FileSystems.newFileSystem(dir.resolve("a.zip"), Map.of("create", "true"))) {
            Path inZip = zip.getPath("/tmp");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ToolCall.builder("rg").directory(inZip));
            String request = assertThrows(IllegalArgumentException.class,
                    () -> SpawnRequest.builder("rg").directory(inZip)).getMessage();
            assertEquals(request, e.getMessage());
        }
        assertEquals(null, ToolCall.builder("rg").directory(null).build().directory(), "null keeps the caller's");
        assertEquals(Path.of("/tmp"), ToolCall.builder("rg").directory(Path.of("/tmp")).build().directory());
    }
}
