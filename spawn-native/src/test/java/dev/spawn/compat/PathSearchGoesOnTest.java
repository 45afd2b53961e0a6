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
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A PATH entry whose candidate fails to exec (its {@code #!} interpreter missing or not
 * executable) does not end the search: the JDK's child and glibc's {@code execvp} try the next
 * entry, report EACCES over ENOENT if nothing runs, and else the errno of the exec in the last
 * entry. Each builder runs in a child JVM whose PATH is two directories of the test's
 * ({@link Child}); the lines they print must be equal, and the JDK's must be the ones expected.
 */
class PathSearchGoesOnTest {
    @TempDir
    Path dir;

    @Test
    void aCandidateThatFailsToExecPassesTheSearchOn() throws Exception {
        Path first = Files.createDirectory(dir.resolve("first"));
        Path second = Files.createDirectory(dir.resolve("second"));
        Path plainInterpreter = Files.writeString(dir.resolve("plain-interpreter"), "not executable\n");
        String missing = "#!" + dir.resolve("missing-interpreter") + "\n";
        String denied = "#!" + plainInterpreter + "\n";
        String works = "#!/bin/sh\necho second\n";
        script(first.resolve("missing-then-works"), missing);
        script(second.resolve("missing-then-works"), works);
        script(first.resolve("denied-then-works"), denied);
        script(second.resolve("denied-then-works"), works);
        script(first.resolve("missing-only"), missing);
        script(first.resolve("denied-only"), denied);
        script(first.resolve("denied-then-missing"), denied);
        script(second.resolve("denied-then-missing"), missing);
        // an interpreter path through a file: ENOTDIR, reported only from the last entry
        String notDirectory = "#!" + plainInterpreter + "/x\n";
        script(first.resolve("not-a-directory-first"), notDirectory);
        script(second.resolve("not-a-directory-last"), notDirectory);
        script(first.resolve("redirected"), missing);
        script(second.resolve("redirected"), works);
        // DISCARD is /dev/null, a device that may be opened again for the next candidate
        script(first.resolve("discarded"), missing);
        script(second.resolve("discarded"), works);
        String path = first + ":" + second;

        String[] programs = {"missing-then-works", "denied-then-works", "missing-only", "denied-only",
            "denied-then-missing", "not-a-directory-first", "not-a-directory-last", "redirected", "discarded"};
        List<String> jdk = childJvm(List.of(), "jdk", path, programs);
        List<String> spawn = childJvm(List.of(), "spawn", path, programs);

        assertEquals(jdk, spawn);
        for (String environment : List.of("inherited", "replaced")) {
            assertTrue(jdk.contains(environment + " missing-then-works: exit 0 second"), jdk.toString());
            assertTrue(jdk.contains(environment + " denied-then-works: exit 0 second"), jdk.toString());
            assertTrue(jdk.contains(environment + " missing-only: IOException: Cannot run program \"missing-only\":"
                    + " error=2, No such file or directory"), jdk.toString());
            assertTrue(jdk.contains(environment + " denied-only: IOException: Cannot run program \"denied-only\":"
                    + " error=13, Permission denied"), jdk.toString());
            assertTrue(jdk.contains(environment + " denied-then-missing: IOException: Cannot run program"
                    + " \"denied-then-missing\": error=13, Permission denied"), jdk.toString());
            assertTrue(jdk.contains(environment + " not-a-directory-first: IOException: Cannot run program"
                    + " \"not-a-directory-first\": error=2, No such file or directory"), jdk.toString());
            assertTrue(jdk.contains(environment + " not-a-directory-last: IOException: Cannot run program"
                    + " \"not-a-directory-last\": error=20, Not a directory"), jdk.toString());
            assertTrue(jdk.contains(environment + " redirected: exit 0 second"), jdk.toString());
            assertTrue(jdk.contains(environment + " discarded: exit 0 "), jdk.toString());
        }
    }

    /**
     * A PATH entry that cannot be searched (EACCES from the child's execve) does not end the
     * search either, and is the answer if nothing runs. Root searches any directory, so the child
     * JVMs run without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH, and the entry belongs to nobody.
     */
    @Test
    void anEntryThatCannotBeSearchedIsEaccesIfNothingRuns() throws Exception {
        Path locked = Files.createDirectory(dir.resolve("locked"));
        Path second = Files.createDirectory(dir.resolve("second"));
        Path firstFails = Files.createDirectory(dir.resolve("first-fails"));
        Path plainInterpreter = Files.writeString(dir.resolve("plain-interpreter"), "not executable\n");
        script(second.resolve("found-after-it"), "#!/bin/sh\necho second\n");
        script(firstFails.resolve("fails-after-it"), "#!" + plainInterpreter + "/x\n");
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------"));
        Files.setAttribute(locked, "unix:uid", ChildJvm.NOBODY_UID);
        // the last entry's exec fails ENOTDIR, which the EACCES from the first still overrides
        String path = locked + ":" + second + ":" + firstFails;
        String[] programs = {"nowhere", "found-after-it", "fails-after-it"};

        List<String> jdk = childJvm(ChildJvm.WITHOUT_DAC_CAPABILITIES, "jdk", path, programs);
        List<String> spawn = childJvm(ChildJvm.WITHOUT_DAC_CAPABILITIES, "spawn", path, programs);

        assertEquals(jdk, spawn);
        for (String environment : List.of("inherited", "replaced")) {
            assertTrue(jdk.contains(environment + " nowhere: IOException: Cannot run program \"nowhere\":"
                    + " error=13, Permission denied"), jdk.toString());
            assertTrue(jdk.contains(environment + " found-after-it: exit 0 second"), jdk.toString());
            assertTrue(jdk.contains(environment + " fails-after-it: IOException: Cannot run program"
                    + " \"fails-after-it\": error=13, Permission denied"), jdk.toString());
        }
    }

    private static void script(Path file, String text) throws IOException {
        Files.writeString(file, text);
        assertTrue(file.toFile().setExecutable(true));
    }

    private List<String> childJvm(List<String> prefix, String builder, String path, String... programs)
            throws Exception {
        List<String> args = new ArrayList<>(List.of(builder, dir.toString()));
        args.addAll(List.of(programs));
        String out = ChildJvm.run(prefix, Child.class, dir.resolve(builder + ".stderr"),
                environment -> environment.put("PATH", path), List.of(), args.toArray(String[]::new));
        return List.of(out.split("\n"));
    }

    /**
     * Runs each program (the arguments after the builder and the test's directory) with the
     * environment inherited, then replaced, and prints the outcome.
     */
    public static final class Child {
        private Child() {
        }

        public static void main(String[] args) throws InterruptedException, IOException {
            boolean jdk = args[0].equals("jdk");
            for (boolean replaced : new boolean[] {false, true}) {
                for (String program : List.of(args).subList(2, args.length)) {
                    System.out.println((replaced ? "replaced " : "inherited ") + program + ": "
                            + run(jdk, program, replaced, args[1]));
                }
            }
        }

        /** {@code redirected} sends its stdout to a file, which a failed candidate's child opened first. */
        private static String run(boolean jdk, String program, boolean touchEnvironment, String dir)
                throws InterruptedException, IOException {
            File output = new File(dir, (jdk ? "jdk-" : "spawn-") + touchEnvironment + ".out");
            try {
                // the two builders share no type: the same three steps through each one's methods
                ProcessBuilder jdkBuilder = jdk ? new ProcessBuilder(program) : null;
                SpawnProcessBuilder spawnBuilder = jdk ? null : new SpawnProcessBuilder(program);
                Supplier<Map<String, String>> environment = jdk ? jdkBuilder::environment : spawnBuilder::environment;
                Consumer<ProcessBuilder.Redirect> redirectOutput = jdk ? jdkBuilder::redirectOutput
                        : spawnBuilder::redirectOutput;
                if (touchEnvironment) {
                    environment.get().put("TOUCHED", "1");
                }
                if (program.equals("redirected")) {
                    redirectOutput.accept(ProcessBuilder.Redirect.to(output));
                }
                if (program.equals("discarded")) {
                    redirectOutput.accept(ProcessBuilder.Redirect.DISCARD);
                }
                Process process = jdk ? jdkBuilder.start() : spawnBuilder.start();
                String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                int exit = process.waitFor();
                if (program.equals("redirected")) {
                    out = Files.readString(output.toPath()).trim();
                }
                return "exit " + exit + " " + out;
            } catch (IOException e) {
                // JDK 25 words the detail differently; the errno is what both must agree on
                String message = e.getMessage().replaceAll("Exec failed, error: (\\d+) \\(([^)]*)\\) ",
                        "error=$1, $2");
                return e.getClass().getSimpleName() + ": " + message;
            }
        }
    }
}
