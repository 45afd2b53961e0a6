package dev.spawn.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import dev.spawn.Backend;
import dev.spawn.SpawnProcessBuilder;
import dev.spawn.Spawner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JVM under a seccomp filter that refuses openat2, which a USERSPACE spawn's child makes to
 * open a redirect file (as container runtimes' default profiles did before they knew the call):
 * the backend must say it is unavailable and why, and the chain falls back, so children still
 * run. Without the probe USERSPACE would be chosen and every spawn that opens a file would fail
 * in its child.
 */
class SeccompFallbackTest {
    @TempDir
    Path dir;

    @Test
    void aRefusedChildSyscallMovesTheChainToTheFallback() throws Exception {
        String out = ChildJvm.run(Child.class, dir.resolve("child.stderr"), environment -> { });
        List<String> lines = List.of(out.split("\n"));
        assertEquals("filter installed", lines.get(0));
        assertEquals("USERSPACE unavailable: openat2, which a spawn's child makes, is refused here:"
                + " EPERM (Operation not permitted) (a seccomp filter older than the call?)", lines.get(1));
        // KERNEL_TEMPLATE, where the kernel has it, does its actions itself: openat2 is not its
        assertTrue(lines.get(2).equals("preferred PROCESS_BUILDER") || lines.get(2).equals("preferred KERNEL_TEMPLATE"),
                lines.get(2));
        assertEquals("ran: exit 0 ok", lines.get(3));
    }

    /** Installs the filter on its main thread (later threads inherit it), then asks the library. */
    public static final class Child {
        private static final int PR_SET_NO_NEW_PRIVS = 38;
        private static final int PR_SET_SECCOMP = 22;
        private static final int SECCOMP_MODE_FILTER = 2;
        private static final int SYS_OPENAT2 = 437;
        private static final int EPERM = 1;

        private Child() {
        }

        public static void main(String[] args) throws Exception {
            installFilter();
            System.out.println("filter installed");
            Spawner spawner = Spawner.system();
            System.out.println("USERSPACE unavailable: " + spawner.unavailableBackends().get(Backend.USERSPACE));
            System.out.println("preferred " + spawner.preferredBackend());
            Process process = new SpawnProcessBuilder("sh", "-c", "echo ok").start();
            String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            System.out.println("ran: exit " + process.waitFor() + " " + text);
        }

        /** seccomp BPF: load the syscall number; openat2 gets EPERM, everything else runs. */
        private static void installFilter() {
            Memory program = new Memory(4 * 8);
            instruction(program, 0, 0x20, 0, 0, 0);                        // ld [nr]
            instruction(program, 1, 0x15, 0, 1, SYS_OPENAT2);              // jeq openat2, 0, 1
            instruction(program, 2, 0x06, 0, 0, 0x00050000 | EPERM);       // ret ERRNO(EPERM)
            instruction(program, 3, 0x06, 0, 0, 0x7fff0000);               // ret ALLOW
            Memory fprog = new Memory(16);
            fprog.clear();
            fprog.setShort(0, (short) 4);
            fprog.setPointer(8, program);
            check(TestSupport.LibC.INSTANCE.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "PR_SET_NO_NEW_PRIVS");
            check(TestSupport.LibC.INSTANCE.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, Pointer.nativeValue(fprog),
                    0, 0), "PR_SET_SECCOMP");
        }

        private static void instruction(Memory program, int index, int code, int jt, int jf, int k) {
            long at = index * 8L;
            program.setShort(at, (short) code);
            program.setByte(at + 2, (byte) jt);
            program.setByte(at + 3, (byte) jf);
            program.setInt(at + 4, k);
        }

        private static void check(int result, String what) {
            if (result != 0) {
                throw new IllegalStateException(what + " failed");
            }
        }
    }
}
