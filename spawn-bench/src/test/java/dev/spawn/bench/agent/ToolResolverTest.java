package dev.spawn.bench.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ToolResolverTest {
    private static Path executable(Path dir, String name, String content) throws Exception {
        Files.createDirectories(dir);
        Path file = dir.resolve(name);
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    @Test
    void findsTheFirstOnPathAndSeesAShimWithABinaryBehindIt(@TempDir Path dir) throws Exception {
        Path shim = executable(dir.resolve("shims"), "tool", "#!/usr/bin/env bash\nexec real \"$@\"\n");
        Path binary = executable(dir.resolve("bin"), "tool", "\u007fELF....");
        ToolResolver resolver = new ToolResolver(dir.resolve("none") + ":" + dir.resolve("shims") + ":"
                + dir.resolve("bin"), Map.of());
        ResolvedTool tool = resolver.resolve("tool").orElseThrow();
        assertEquals(shim, tool.path());
        assertTrue(tool.script());
        assertEquals("#!/usr/bin/env bash", tool.shebang());
        assertEquals(binary, tool.binaryLaterOnPath());
        assertTrue(tool.describe().contains("SCRIPT"), tool.describe());
    }

    @Test
    void theRunnerCanGoPastAShimToTheBinaryAndSaysSo(@TempDir Path dir) throws Exception {
        Path shim = executable(dir.resolve("shims"), "tool", "#!/usr/bin/env bash\nexec real \"$@\"\n");
        Path binary = executable(dir.resolve("bin"), "tool", "\u007fELF....");
        ToolResolver resolver = new ToolResolver(dir.resolve("shims") + ":" + dir.resolve("bin"), Map.of());
        ResolvedTool past = resolver.resolve("tool").orElseThrow().pastShim();
        assertEquals(binary, past.path());
        assertFalse(past.script());
        assertEquals(shim, past.skippedShim());
        assertTrue(past.describe().contains("went past the #! shim " + shim), past.describe());
        ResolvedTool lone = new ToolResolver(dir.resolve("shims").toString(), Map.of()).resolve("tool").orElseThrow();
        assertEquals(lone, lone.pastShim(), "a shim with no binary behind it stays");
    }

    @Test
    void aBinaryFirstIsNoScriptAndAMissingToolIsEmpty(@TempDir Path dir) throws Exception {
        Path binary = executable(dir.resolve("bin"), "tool", "\u007fELF....");
        ToolResolver resolver = new ToolResolver(dir.resolve("bin").toString(), Map.of());
        ResolvedTool tool = resolver.resolve("tool").orElseThrow();
        assertEquals(binary, tool.path());
        assertFalse(tool.script());
        assertNull(tool.binaryLaterOnPath());
        assertTrue(resolver.resolve("absent").isEmpty());
    }

    @Test
    void anOverrideWins(@TempDir Path dir) throws Exception {
        executable(dir.resolve("bin"), "tool", "\u007fELF....");
        Path other = executable(dir.resolve("other"), "tool2", "\u007fELF....");
        ToolResolver resolver = new ToolResolver(dir.resolve("bin").toString(), Map.of("tool", other));
        assertEquals(other, resolver.resolve("tool").orElseThrow().path());
    }
}
