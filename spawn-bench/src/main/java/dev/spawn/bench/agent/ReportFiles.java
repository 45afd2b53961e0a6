package dev.spawn.bench.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a report into the results folder as {@code NAME.txt}, {@code .csv}, {@code -runs.csv},
 * {@code .json} and {@code .svg}.
 */
final class ReportFiles {
    private ReportFiles() {
    }

    /** Writes {@code report}, whose text is {@code text}, into {@code out}; returns what it wrote, for a message. */
    static String write(BenchReport report, String text, Path out) throws IOException {
        String name = report.options().preset().command();
        Files.writeString(out.resolve(name + ".txt"), text, StandardCharsets.UTF_8);
        Files.writeString(out.resolve(name + ".csv"), CsvReport.render(report), StandardCharsets.UTF_8);
        Files.writeString(out.resolve(name + "-runs.csv"), CsvReport.runs(report), StandardCharsets.UTF_8);
        Files.writeString(out.resolve(name + ".json"), JsonReport.render(report), StandardCharsets.UTF_8);
        Files.writeString(out.resolve(name + ".svg"), SvgChart.render(report), StandardCharsets.UTF_8);
        return out.resolve(name + ".{txt,csv,json,svg}") + ", " + out.resolve(name + "-runs.csv");
    }
}
