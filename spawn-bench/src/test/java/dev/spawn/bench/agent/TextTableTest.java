package dev.spawn.bench.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class TextTableTest {
    @Test
    void eachColumnIsAsWideAsItsWidestCellAndTwoSpacesApart() {
        String text = new TextTable().row(List.of("split", "processbuilder / c-posix", "x"))
                .row(List.of("1x16", "0.51 [0.50-0.52]", "-")).row(List.of("16x1", "-")).render();
        assertEquals("split  processbuilder / c-posix  x\n"
                + "1x16   0.51 [0.50-0.52]          -\n"
                + "16x1   -\n", text);
    }
}
