package dev.spawn.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spawn.Backend;
import dev.spawn.SpawnProcessBuilder;
import dev.spawn.SpawnStats;
import dev.spawn.SpawnedProcess;
import dev.spawn.Spawner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The template cache behind SpawnProcessBuilder: reuse, upgrade by rename, a vanished tool. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SpawnProcessBuilderTemplateTest {
    @TempDir
    Path dir;

    private static String run(SpawnProcessBuilder builder) throws Exception {
        Process process = builder.start();
        assertEquals(Backend.USERSPACE, ((SpawnedProcess) process).backend());
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor());
        return out;
    }

    private static long templatesMade() {
        SpawnStats stats = Spawner.system().stats();
        return stats.templates().values().stream().mapToLong(Long::longValue).sum();
    }

    private Path tool(String name, String version) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, "#!/bin/sh\necho " + version + "\n");
        file.toFile().setExecutable(true);
        return file;
    }

    @Test
    void oneTemplatePerExecutable() throws Exception {
        Path tool = tool("once", "same");
        long before = templatesMade();
        for (int i = 0; i < 5; i++) {
            assertEquals("same\n", run(new SpawnProcessBuilder(tool.toString())));
            assertEquals("same\n", run(new SpawnProcessBuilder("./once").directory(dir.toFile())));
        }
        assertEquals(before + 1, templatesMade(), "the cache made more than one template for " + tool);
    }

    @Test
    void aToolUpgradedByRenameRunsTheNewVersion() throws Exception {
        Path tool = tool("tool", "v1");
        assertEquals("v1\n", run(new SpawnProcessBuilder(tool.toString())));
        long recreated = Spawner.system().stats().recreated();
        Path next = tool("tool.new", "v2");
        Files.move(next, tool, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        assertEquals("v2\n", run(new SpawnProcessBuilder(tool.toString())));
        assertTrue(Spawner.system().stats().recreated() > recreated, "the template was not re-created");
        assertEquals("v2\n", run(new SpawnProcessBuilder(tool.toString())));
    }

    @Test
    void aVanishedToolFailsAsProcessBuilderAndComesBack() throws Exception {
        Path tool = tool("gone", "here");
        assertEquals("here\n", run(new SpawnProcessBuilder(tool.toString())));
        Files.delete(tool);
        IOException failure = assertThrows(IOException.class, () -> new SpawnProcessBuilder(tool.toString()).start());
        IOException jdk = assertThrows(IOException.class, () -> new ProcessBuilder(tool.toString()).start());
        assertEquals(jdk.getMessage(), failure.getMessage());
        assertEquals(IOException.class, failure.getClass());
        tool("gone", "back");
        assertEquals("back\n", run(new SpawnProcessBuilder(tool.toString())));
    }
}
