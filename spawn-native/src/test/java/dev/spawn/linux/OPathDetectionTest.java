package dev.spawn.linux;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** How KERNEL_TEMPLATE tells an O_PATH fd, which the RFC's create refuses, from one it takes. */
class OPathDetectionTest {
    private static final int O_RDONLY = 0;
    private static final int O_PATH = 0x200000;

    @Test
    void onlyAnOpenOPathFdIsOne() {
        int path = LibSpawn.spawn_open(CStrings.of("/bin/true"), O_PATH, 0);
        int readable = LibSpawn.spawn_open(CStrings.of("/bin/true"), O_RDONLY, 0);
        assertTrue(path >= 0 && readable >= 0, "open: " + path + ", " + readable);
        try {
            assertTrue(KernelTemplateBackend.isOpenWithOPath(path));
            assertFalse(KernelTemplateBackend.isOpenWithOPath(readable));
        } finally {
            LibSpawn.spawn_close(path);
            LibSpawn.spawn_close(readable);
        }
        assertFalse(KernelTemplateBackend.isOpenWithOPath(path), "a closed fd");
    }
}
