package dev.spawn.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.spawn.Backend;
import dev.spawn.SpawnProcessBuilder;
import dev.spawn.SpawnRequest;
import dev.spawn.SpawnTemplate;
import dev.spawn.SpawnedProcess;
import dev.spawn.Spawner;
import dev.spawn.Stdio;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JVM whose own stdin is closed: the pipe made for a child's stdin would land on fd 0, its own
 * target, where a DUP2 onto itself keeps FD_CLOEXEC and the child would find its stdin closed.
 * The JVM runs as a child of the test ({@link Child}), which closes its fd 0 once its templates
 * and /dev/null are open, so the next pipe is the first thing to take it.
 */
class ClosedStdinParentTest {
    @TempDir
    Path dir;

    @Test
    void childrenOfAJvmWithoutStdinStillGetTheirStdinPipe() throws Exception {
        Path log = dir.resolve("child.stderr");
        String out = ChildJvm.run(Child.class, log, environment -> { });
        assertEquals("template: exit 0, in\ndrop-in: exit 0, in\n", out, () -> ChildJvm.readLog(log));
    }

    /** Closes its own stdin, then feeds {@code cat} through a stdin pipe: by a template, then by the drop-in. */
    public static final class Child {
        private Child() {
        }

        public static void main(String[] args) throws Exception {
            try (SpawnTemplate cat = Spawner.using(Backend.USERSPACE).template(Path.of("/bin/cat"))) {
                // with fd 0 open: the drop-in's cached template and /dev/null take numbers above it
                Process first = new SpawnProcessBuilder("cat").redirectError(ProcessBuilder.Redirect.DISCARD).start();
                String warm = feed(first, first.getOutputStream(), first.getInputStream());
                if (!warm.equals("exit 0, in")) {
                    throw new IllegalStateException("with stdin open: " + warm);
                }
                if (LibSpawn.spawn_close(0) != 0) {
                    throw new IllegalStateException("cannot close fd 0");
                }
                SpawnedProcess child = cat.spawn(SpawnRequest.builder("cat").stderr(Stdio.discard()).build());
                System.out.println("template: " + feed(child, child.getOutputStream(), child.getInputStream()));
            }
            Process child = new SpawnProcessBuilder("cat").redirectError(ProcessBuilder.Redirect.DISCARD).start();
            System.out.println("drop-in: " + feed(child, child.getOutputStream(), child.getInputStream()));
        }

        private static String feed(Process child, OutputStream stdin, InputStream stdout) throws Exception {
            try (stdin) {
                stdin.write("in".getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                // a child that lost its stdin is gone: its exit says so below
            }
            String out = new String(stdout.readAllBytes(), StandardCharsets.UTF_8);
            return "exit " + child.waitFor() + ", " + out;
        }
    }
}
