package dev.spawn.bench.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ToolSelectionTest {
    private final PrintStream progress = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

    @Test
    void aScriptWithTheForcedKernelBackendIsAUsageError(@TempDir Path dir) throws Exception {
        Path sed = Files.writeString(dir.resolve("sed"), "#!/bin/sh\nexec /bin/sed \"$@\"\n");
        Files.setPosixFilePermissions(sed, PosixFilePermissions.fromString("rwx------"));
        RunnerOptions options = RunnerOptions.parse(Preset.AGENT_TOOLS_LIGHT, List.of("--backends", "kernel"),
                List.of());
        UsageError e = assertThrows(UsageError.class,
                () -> ToolSelection.resolve(options, new ToolResolver(dir.toString(), Map.of()), progress));
        assertTrue(e.getMessage().startsWith("sed is the #! script " + sed), e.getMessage());
    }

    @Test
    void noToolLeftIsAUsageError(@TempDir Path dir) throws Exception {
        RunnerOptions options = RunnerOptions.parse(Preset.AGENT_TOOLS_LIGHT, List.of(), List.of(Engine.USERSPACE));
        UsageError e = assertThrows(UsageError.class,
                () -> ToolSelection.resolve(options, new ToolResolver(dir.toString(), Map.of()), progress));
        assertEquals("none of agent-tools-light's commands is on PATH (rg, grep, sed, awk, cat, head, tail, find,"
                + " stat, ls, git, sh, bash): no tool left to call", e.getMessage());
    }

    @Test
    void theMixKeepsTheToolsFound(@TempDir Path dir) throws Exception {
        Path cat = Files.writeString(dir.resolve("cat"), "\u007fELF....");
        Files.setPosixFilePermissions(cat, PosixFilePermissions.fromString("rwx------"));
        RunnerOptions options = RunnerOptions.parse(Preset.AGENT_TOOLS_LIGHT, List.of(), List.of(Engine.USERSPACE));
        ToolSelection selection = ToolSelection.resolve(options, new ToolResolver(dir.toString(), Map.of()),
                progress);
        assertEquals(List.of(Tool.CAT), selection.mix());
        assertEquals(cat, selection.byCommand().get("cat").path());
        assertEquals(12, selection.missing().size());
    }

    @Test
    void aMissingToolIsNamedWithTheDebianPackageThatHasIt(@TempDir Path dir) throws Exception {
        Path cat = Files.writeString(dir.resolve("cat"), "\u007fELF....");
        Files.setPosixFilePermissions(cat, PosixFilePermissions.fromString("rwx------"));
        ByteArrayOutputStream said = new ByteArrayOutputStream();
        RunnerOptions options = RunnerOptions.parse(Preset.AGENT_TOOLS, List.of(), List.of(Engine.USERSPACE));
        ToolSelection.resolve(options, new ToolResolver(dir.toString(), Map.of()),
                new PrintStream(said, true, StandardCharsets.UTF_8));
        String text = said.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("agent-tools: node is not on PATH; its calls are left out of the mix for every backend"
                + " (Debian: apt-get install nodejs)\n"), text);
        assertTrue(text.contains("python3 is not on PATH; its calls are left out of the mix for every backend"
                + " (Debian: apt-get install python3)\n"), text);
        assertTrue(text.contains("awk is not on PATH; its calls are left out of the mix for every backend\n"), text);
    }
}
