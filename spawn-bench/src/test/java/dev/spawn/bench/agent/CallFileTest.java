package dev.spawn.bench.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CallFileTest {
    @Test
    void callsSurviveTheFileWithTabsQuotesAndSpaces(@TempDir Path dir) throws Exception {
        List<CallSpec> calls = List.of(
                new CallSpec(0, Tool.SH, List.of("-c", "printf 'a\\tb\\n' | cat")),
                new CallSpec(1, Tool.GIT_STATUS, List.of("--no-optional-locks", "status")),
                new CallSpec(2, Tool.AWK, List.of("$2==\"WARN\"{w++} END{print w+0}", "a file%20with space")));
        Map<String, ResolvedTool> tools = Map.of(
                "sh", new ResolvedTool("sh", Path.of("/bin/sh"), Path.of("/bin/dash"), null, null),
                "git", new ResolvedTool("git", Path.of("/usr/bin/git"), Path.of("/usr/bin/git"), null, null),
                "awk", new ResolvedTool("awk", Path.of("/usr/bin/awk"), Path.of("/usr/bin/mawk"), null, null));
        Path file = dir.resolve("calls.tsv");
        CallFile.write(file, calls, tools);
        List<CallFile.Entry> entries = CallFile.read(file);
        assertEquals(3, entries.size());
        for (int i = 0; i < calls.size(); i++) {
            assertEquals(calls.get(i), entries.get(i).call());
        }
        assertEquals(Path.of("/usr/bin/git"), entries.get(1).executable());
    }
}
