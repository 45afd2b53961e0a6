package dev.spawn.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.spawn.SpawnProcessBuilder;
import dev.spawn.linux.ChildJvm;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The drop-in's cached template holds its executable open, and lets go of it once no start has
 * used it for {@code spawn.templateCache.idleSeconds}, so the file system can be unmounted and
 * a deleted tool's blocks freed. A child JVM of its own, since the cache is the JVM's.
 */
class TemplateIdleCloseTest {
    @TempDir
    Path dir;

    @Test
    void aTemplateUnusedForTheIdleTimeLetsGoOfItsExecutable() throws Exception {
        Path tool = Files.copy(Path.of("/bin/true"), dir.resolve("tool"));
        String out = ChildJvm.run(List.of(), Child.class, dir.resolve("child.stderr"), environment -> { },
                List.of("-Dspawn.templateCache.idleSeconds=1"), tool.toString());
        assertEquals(List.of("after start: held", "after idle: released"), List.of(out.split("\n")));
    }

    /** Starts the tool once, then says whether an fd of this JVM still names it, until none does. */
    public static final class Child {
        private Child() {
        }

        public static void main(String[] args) throws Exception {
            Path tool = Path.of(args[0]);
            int exit = new SpawnProcessBuilder(tool.toString()).start().waitFor();
            if (exit != 0) {
                throw new IllegalStateException("the tool exited with " + exit);
            }
            System.out.println("after start: " + (holds(tool) ? "held" : "released"));
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (holds(tool) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            System.out.println("after idle: " + (holds(tool) ? "held" : "released"));
        }

        private static boolean holds(Path tool) throws IOException {
            try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
                for (Path fd : fds) {
                    try {
                        if (Files.readSymbolicLink(fd).equals(tool)) {
                            return true;
                        }
                    } catch (IOException closedMeanwhile) {
                        // the stream's own fd, or one closed while listing
                    }
                }
            }
            return false;
        }
    }
}
