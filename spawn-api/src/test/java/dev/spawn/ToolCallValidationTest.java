package dev.spawn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

/** Durations the event loop cannot keep as System.nanoTime() deadlines are refused up front. */
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
}
