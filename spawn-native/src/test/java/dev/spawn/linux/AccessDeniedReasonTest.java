package dev.spawn.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spawn.Backend;
import dev.spawn.Spawner;
import dev.spawn.spi.Errno;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An EACCES at a USERSPACE create says which check refused the program: blaming the file for a
 * directory on its path that the caller cannot search sends the user to fix the wrong thing.
 */
class AccessDeniedReasonTest {
    private static final String EACCES = ": open executable: EACCES (Permission denied): ";

    @TempDir
    Path dir;

    private final Spawner spawner = Spawner.using(Backend.USERSPACE);

    @Test
    void aDirectoryIsNotARegularFile() {
        assertDenied(dir, "not a regular file");
    }

    @Test
    void aFileWithoutExecutePermissionIsNotTheCallersToExecute() throws IOException {
        Path tool = TestSupport.probeCopy(dir, "tool");
        Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rw-r--r--"));
        assertDenied(tool, "the caller may not execute it");
    }

    @Test
    void anExecutableOnANoexecMountSaysSo() throws Exception {
        Path mount = Files.createDirectory(dir.resolve("noexec"));
        run("mount", "-t", "tmpfs", "-o", "noexec,size=4m", "tmpfs", mount.toString());
        try {
            assertDenied(TestSupport.probeCopy(mount, "tool"), "on a noexec mount");
        } finally {
            run("umount", mount.toString());
        }
    }

    /** Root searches any directory, so the create runs in a JVM without the DAC capabilities. */
    @Test
    void aProgramBehindADirectoryTheCallerCannotSearchBlamesTheDirectory() throws Exception {
        Path closed = Files.createDirectory(dir.resolve("closed"));
        Path tool = TestSupport.probeCopy(closed, "tool");
        Files.setAttribute(closed, "unix:uid", ChildJvm.NOBODY_UID);
        Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("rwx------"));
        String out = ChildJvm.run(ChildJvm.WITHOUT_DAC_CAPABILITIES, Child.class, dir.resolve("child.stderr"),
                environment -> { }, List.of(), tool.toString());
        assertEquals(AccessDeniedException.class.getName() + ": " + tool + EACCES
                + "a directory on its path cannot be searched\n" + AccessDeniedException.class.getName() + ": "
                + tool + ": EACCES: a directory on its path cannot be searched, or the file cannot be looked at\n",
                out);
    }

    @Test
    void aCreateThatCannotTellWhichCheckRefusedNamesEachOne() {
        String reason = ((AccessDeniedException) CreateErrors.of(Errno.EACCES, "/t", "spawn_template_create"))
                .getReason();
        for (String cause : List.of("not an executable regular file", "noexec mount", "cannot be searched")) {
            assertTrue(reason.contains(cause), reason);
        }
    }

    private void assertDenied(Path program, String why) {
        AccessDeniedException e = assertThrows(AccessDeniedException.class, () -> spawner.template(program));
        assertEquals(program + EACCES + why, e.getMessage());
    }

    private static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String said = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0,
                String.join(" ", command) + " failed (root needed): " + said);
    }

    /**
     * Creates a USERSPACE, then a PROCESS_BUILDER template for its argument and prints, for each,
     * the exception that refused it.
     */
    public static final class Child {
        private Child() {
        }

        public static void main(String[] args) {
            for (Backend backend : List.of(Backend.USERSPACE, Backend.PROCESS_BUILDER)) {
                try {
                    Spawner.using(backend).template(Path.of(args[0])).close();
                    System.out.println("created");
                } catch (IOException e) {
                    System.out.println(e.getClass().getName() + ": " + e.getMessage());
                }
            }
        }
    }
}
