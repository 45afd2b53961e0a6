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
    void preparingTheFolderRemovesNothingAndGivesEachPresetItsOwnLogs(@TempDir Path out) throws Exception {
        List<String> all = List.of("agent-tools-light.txt", "logs/agent-tools-light/r1-1x16-userspace-w0.log",
                "logs/agent-tools/r1-1x16-userspace-w0.log");
        for (String file : all) {
            Files.createDirectories(out.resolve(file).getParent());
            Files.writeString(out.resolve(file), "an earlier run's");
        }

        assertEquals(out.resolve("logs/agent-tools-light"), ResultsFolder.prepare(out, Preset.AGENT_TOOLS_LIGHT));
        assertEquals(out.resolve("logs/agent-tools"), ResultsFolder.prepare(out, Preset.AGENT_TOOLS));

        assertEquals(all.stream().sorted().toList(), files(out));
    }

    @Test
    void clearingTakesOnlyThePresetsReportsAndWorkerLogs(@TempDir Path out) throws Exception {
        Path logs = ResultsFolder.prepare(out, Preset.AGENT_TOOLS_LIGHT);
        for (String old : ReportFiles.names(Preset.AGENT_TOOLS_LIGHT)) {
            if (!old.endsWith(".svg")) {
                Files.writeString(out.resolve(old), "an earlier run's");
            }
        }
        Files.writeString(logs.resolve(SplitRun.workerName(Engine.C_KERNEL, new Split(2, 8), 0, 1) + ".log"), "old");
        Files.writeString(logs.resolve("r3-16x1-processbuilder-w15.log"), "old");
        List<String> kept = List.of("agent-tools.txt", "agent-tools-runs.csv", "notes.txt", "agent-tools-light.txt.bak",
                "logs/agent-tools-light/r1-1x1-fork-w0.log", "logs/agent-tools-light/mine.log",
                "logs/agent-tools/r1-1x16-userspace-w0.log", "logs/r1-1x16-userspace-w0.log",
                "agent-tools-light.svg/keep");
        for (String file : kept) {
            Files.createDirectories(out.resolve(file).getParent());
            Files.writeString(out.resolve(file), "the user's, or the other preset's");
        }

        ResultsFolder.clearEarlierRun(out, logs, Preset.AGENT_TOOLS_LIGHT);

        assertEquals(kept.stream().sorted().toList(), files(out));
    }

    private static List<String> files(Path out) throws Exception {
        try (Stream<Path> files = Files.walk(out)) {
            return files.filter(Files::isRegularFile).map(file -> out.relativize(file).toString()).sorted().toList();
        }
    }
}
