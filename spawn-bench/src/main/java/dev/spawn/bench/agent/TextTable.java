package dev.spawn.bench.agent;

import java.util.ArrayList;
import java.util.List;

/**
 * A left-aligned plain-text table whose columns are as wide as their widest cell and two spaces
 * apart: a fixed width runs cells together once a label or a spread outgrows it.
 */
final class TextTable {
    private static final String GAP = "  ";

    private final List<List<String>> rows = new ArrayList<>();

    /** Adds a row; the first added is the header. */
    TextTable row(List<String> cells) {
        rows.add(List.copyOf(cells));
        return this;
    }

    /** The rows, one a line, with no trailing spaces. */
    String render() {
        List<Integer> widths = new ArrayList<>();
        for (List<String> row : rows) {
            for (int column = 0; column < row.size(); column++) {
                int width = row.get(column).length();
                if (column == widths.size()) {
                    widths.add(width);
                } else {
                    widths.set(column, Math.max(widths.get(column), width));
                }
            }
        }
        StringBuilder text = new StringBuilder();
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int column = 0; column < row.size(); column++) {
                String cell = row.get(column);
                line.append(cell);
                if (column < row.size() - 1) {
                    line.append(" ".repeat(widths.get(column) - cell.length())).append(GAP);
                }
            }
            text.append(line.toString().stripTrailing()).append('\n');
        }
        return text.toString();
    }
}
