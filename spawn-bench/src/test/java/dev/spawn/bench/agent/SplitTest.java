package dev.spawn.bench.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class SplitTest {
    @Test
    void parsesOneSplit() {
        assertEquals(new Split(2, 8), Split.parse("2x8"));
        assertEquals(new Split(1, 16), Split.parse(" 1X16 "));
        assertEquals("4x4", Split.parse("4x4").toString());
        assertEquals(16, Split.parse("8x2").totalInFlight());
    }

    @Test
    void parsesAList() {
        assertEquals(List.of(new Split(1, 16), new Split(2, 8)), Split.parseList("1x16,2x8"));
        assertEquals(List.of(new Split(8, 2)), Split.parseList("8x2,"));
    }

    @Test
    void rejectsBadSplits() {
        assertThrows(IllegalArgumentException.class, () -> Split.parse("16"));
        assertThrows(IllegalArgumentException.class, () -> Split.parse("2x"));
        assertThrows(IllegalArgumentException.class, () -> Split.parse("0x4"));
        assertThrows(IllegalArgumentException.class, () -> Split.parse("2x8x1"));
        assertThrows(IllegalArgumentException.class, () -> Split.parse("axb"));
        assertThrows(IllegalArgumentException.class, () -> Split.parseList(" , "));
    }

    @Test
    void rejectsASplitListedTwice() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Split.parseList("2x8,1x16,2X8"));
        assertEquals("split 2x8 is listed twice in \"2x8,1x16,2X8\"", e.getMessage());
    }
}
