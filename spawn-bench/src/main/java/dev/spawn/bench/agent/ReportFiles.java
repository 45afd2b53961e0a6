package dev.spawn.bench.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes a report into the results folder as {@code NAME.txt}, {@code .csv}, {@code -runs.csv},
 * {@code .json} and {@code .svg}.
 */
final class ReportFiles {
    private ReportFiles() {
    }

    /** The names of the files {@link #write} writes for {@code preset}. */
    static List<String> names(Preset preset) {
        String name = preset.command();
        return List.of(name + ".txt", name + ".csv", name + "-runs.csv", name + ".json", name + ".svg");
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
