package dev.spawn.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spawn.SpawnProcessBuilder;
import dev.spawn.linux.ChildJvm;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A working directory the caller cannot reach (a parent it may not search) or cannot search
 * itself fails the JDK's child's chdir with EACCES, before its exec, whether the program exists
 * or not. Root searches any directory, so both builders run in child JVMs without the DAC
 * capabilities ({@link ChildJvm#WITHOUT_DAC_CAPABILITIES}), over directories of nobody's.
 */
class UnsearchableDirectoryTest {
    @TempDir
    Path dir;

    @Test
    void aWorkingDirectoryThatCannotBeSearchedIsEacces() throws Exception {
        Path closedParent = Files.createDirectory(dir.resolve("closed-parent"));
        Path behind = Files.createDirectory(closedParent.resolve("behind"));
        Path unsearchable = Files.createDirectory(dir.resolve("unsearchable"));
        for (Path nobodys : List.of(closedParent, unsearchable)) {
            Files.setAttribute(nobodys, "unix:uid", ChildJvm.NOBODY_UID);
        }
        Files.setPosixFilePermissions(closedParent, PosixFilePermissions.fromString("rwx------"));
        Files.setPosixFilePermissions(unsearchable, PosixFilePermissions.fromString("rw-------"));
        String[] args = {behind.toString(), unsearchable.toString()};

        List<String> jdk = childJvm("jdk", args);
        List<String> spawn = childJvm("spawn", args);

        assertEquals(jdk, spawn);
        for (Path directory : List.of(behind, unsearchable)) {
            for (String program : List.of("true", "spawn-no-such-program")) {
                assertTrue(jdk.contains(directory + " " + program + ": Cannot run program \"" + program
                        + "\" (in directory \"" + directory + "\"): error=13, Permission denied"), jdk.toString());
            }
        }
    }

    private List<String> childJvm(String builder, String... directories) throws Exception {
        String[] args = new String[directories.length + 1];
        args[0] = builder;
        System.arraycopy(directories, 0, args, 1, directories.length);
        String out = ChildJvm.run(ChildJvm.WITHOUT_DAC_CAPABILITIES, Child.class, dir.resolve(builder + ".stderr"),
                environment -> { }, List.of(), args);
        return List.of(out.split("\n"));
    }

    /** Starts {@code true} and a missing program in each directory given and prints the outcome. */
    public static final class Child {
        private Child() {
        }

        public static void main(String[] args) throws InterruptedException {
            boolean jdk = args[0].equals("jdk");
            for (String directory : List.of(args).subList(1, args.length)) {
                for (String program : List.of("true", "spawn-no-such-program")) {
                    String outcome;
                    try {
                        File in = new File(directory);
                        Process process = jdk ? new ProcessBuilder(program).directory(in).start()
                                : new SpawnProcessBuilder(program).directory(in).start();
                        outcome = "exit " + process.waitFor();
                    } catch (IOException e) {
                        // JDK 25 words the detail differently; the errno is what both must agree on
                        outcome = e.getMessage().replaceAll("Exec failed, error: (\\d+) \\(([^)]*)\\) ",
                                "error=$1, $2");
                    }
                    System.out.println(directory + " " + program + ": " + outcome);
                }
            }
        }
    }
}
