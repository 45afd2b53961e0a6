package dev.spawn.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spawn.SpawnProcessBuilder;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
        List<String> classpath = new ArrayList<>();
        for (Class<?> needed : List.of(Child.class, SpawnProcessBuilder.class, dev.spawn.linux.UserspaceBackend.class,
                com.sun.jna.Native.class, org.slf4j.LoggerFactory.class)) {
            classpath.add(Paths.get(needed.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        }
        ProcessBuilder jvm = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-cp", String.join(":", classpath), Child.class.getName(), builder,
                dir.toString());
        jvm.environment().remove("PATH");
        // stderr apart: SLF4J says there that it has no provider
        Path log = dir.resolve(builder + ".stderr");
        jvm.redirectError(log.toFile());
        Process process = jvm.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), () -> out + readLog(log));
        return List.of(out.split("\n"));
    }

    private static String readLog(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return e.toString();
        }
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
