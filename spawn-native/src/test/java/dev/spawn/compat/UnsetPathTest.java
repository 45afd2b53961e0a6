package dev.spawn.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spawn.SpawnProcessBuilder;
import dev.spawn.linux.ChildJvm;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JVM started without PATH: where the JDK's child looks for a bare command name then depends
 * on whether the caller touched {@code environment()} (glibc's execvp searches "/bin:/usr/bin",
 * the JDK's own search ":/bin:/usr/bin", the working directory first). Each builder runs in a
 * child JVM of its own without PATH ({@link Child}); the lines they print must be equal.
 */
class UnsetPathTest {
    @TempDir
    Path dir;

    @Test
    void aCommandOnlyInTheWorkingDirectoryRunsOnlyWhenTheEnvironmentWasTouched() throws Exception {
        Path tool = Files.writeString(dir.resolve("only-here"), "#!/bin/sh\necho ran\n");
        assertTrue(tool.toFile().setExecutable(true));
        List<String> jdk = childJvm("jdk");
        List<String> spawn = childJvm("spawn");
        assertEquals(jdk, spawn);
        assertTrue(jdk.get(0).startsWith("inherited: IOException: Cannot run program \"only-here\""), jdk.get(0));
        assertEquals("replaced: exit 0 ran", jdk.get(1));
        assertEquals("inherited sh: exit 0 ok", jdk.get(2));
    }

    private List<String> childJvm(String builder) throws Exception {
        String out = ChildJvm.run(Child.class, dir.resolve(builder + ".stderr"),
                environment -> environment.remove("PATH"), builder, dir.toString());
        return List.of(out.split("\n"));
    }

    /** Runs {@code only-here} in the directory with the environment inherited, then replaced, then {@code sh}. */
    public static final class Child {
        private Child() {
        }

        public static void main(String[] args) throws InterruptedException {
            boolean jdk = args[0].equals("jdk");
            File directory = new File(args[1]);
            if (System.getenv("PATH") != null) {
                throw new IllegalStateException("PATH is set: " + System.getenv("PATH"));
            }
            System.out.println("inherited: " + run(jdk, List.of("only-here"), directory, false));
            System.out.println("replaced: " + run(jdk, List.of("only-here"), directory, true));
            System.out.println("inherited sh: " + run(jdk, List.of("sh", "-c", "echo ok"), directory, false));
        }

        private static String run(boolean jdk, List<String> command, File directory, boolean touchEnvironment)
                throws InterruptedException {
            try {
                Process process;
                if (jdk) {
                    ProcessBuilder builder = new ProcessBuilder(command).directory(directory);
                    if (touchEnvironment) {
                        builder.environment().put("TOUCHED", "1");
                    }
                    process = builder.start();
                } else {
                    SpawnProcessBuilder builder = new SpawnProcessBuilder(command).directory(directory);
                    if (touchEnvironment) {
                        builder.environment().put("TOUCHED", "1");
                    }
                    process = builder.start();
                }
                String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                return "exit " + process.waitFor() + " " + out;
            } catch (IOException e) {
                return e.getClass().getSimpleName() + ": " + e.getMessage();
            }
        }
    }
}
