package dev.spawn.bench.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultsFolderTest {
    @Test
    void aRunStartsWithoutTheEarlierRunsReportsAndLogsButKeepsEverythingElse(@TempDir Path out) throws Exception {
        Path logs = Files.createDirectories(out.resolve("logs"));
        for (String old : ReportFiles.names(Preset.AGENT_TOOLS_LIGHT)) {
            Files.writeString(out.resolve(old), "an earlier run's");
        }
        Files.writeString(logs.resolve(SplitRun.workerName(Engine.C_KERNEL, new Split(2, 8), 0, 1) + ".log"), "old");
        Files.writeString(logs.resolve("r3-16x1-processbuilder-w15.log"), "old");
        List<String> kept = List.of("agent-tools.txt", "agent-tools-runs.csv", "notes.txt", "agent-tools-light.txt.bak",
                "logs/r1-1x1-fork-w0.log", "logs/mine.log");
        for (String file : kept) {
            Files.writeString(out.resolve(file), "the user's, or the other preset's");
        }

        assertEquals(logs, ResultsFolder.prepare(out, Preset.AGENT_TOOLS_LIGHT));

        try (Stream<Path> files = Files.walk(out)) {
            assertEquals(kept.stream().sorted().toList(), files.filter(Files::isRegularFile)
                    .map(file -> out.relativize(file).toString()).sorted().toList());
        }
    }
}
