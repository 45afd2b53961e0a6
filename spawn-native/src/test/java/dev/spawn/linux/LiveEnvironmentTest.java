package dev.spawn.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.spawn.Backend;
import dev.spawn.SpawnProcessBuilder;
import dev.spawn.SpawnRequest;
import dev.spawn.SpawnTemplate;
import dev.spawn.SpawnedProcess;
import dev.spawn.Spawner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * A child that inherits the environment gets the process's environment as it is at the spawn,
 * with what native code changed since the JVM started (which {@code System.getenv()} never
 * shows), as ProcessBuilder's children do when its environment was not touched.
 */
class LiveEnvironmentTest {
    private static final String NAME = "SPAWN_LIVE_ENV_TEST";
    private static final String ECHO = "echo \"${" + NAME + "-unset}\"";

    @Test
    void anInheritedEnvironmentIsReadAtTheSpawn() throws Exception {
        try {
            assertEquals(0, TestSupport.LibC.INSTANCE.setenv(NAME, "set natively", 1));
            assertEquals("set natively\n", viaProcessBuilder(), "ProcessBuilder, the reference");
            assertEquals("set natively\n", viaDropIn());
            assertEquals("set natively\n", viaTemplate());
            assertEquals(0, TestSupport.LibC.INSTANCE.unsetenv(NAME));
            assertEquals("unset\n", viaProcessBuilder(), "ProcessBuilder, the reference");
            assertEquals("unset\n", viaDropIn());
            assertEquals("unset\n", viaTemplate());
        } finally {
            TestSupport.LibC.INSTANCE.unsetenv(NAME);
        }
    }

    private static String viaProcessBuilder() throws Exception {
        Process process = new ProcessBuilder("sh", "-c", ECHO).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor());
        return out;
    }

    private static String viaDropIn() throws Exception {
        Process process = new SpawnProcessBuilder("sh", "-c", ECHO).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor());
        return out;
    }

    private static String viaTemplate() throws Exception {
        try (SpawnTemplate sh = Spawner.using(Backend.USERSPACE).template(Path.of("/bin/sh"))) {
            SpawnedProcess process = sh.spawn(SpawnRequest.builder("sh", "-c", ECHO).build());
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, process.waitFor());
            return out;
        }
    }
}
