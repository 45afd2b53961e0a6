package dev.spawn.linux;

/** Small wrappers over the shim for fds whose close result cannot be acted on. */
final class Syscalls {
    private Syscalls() {
    }

    static void closeQuietly(int fd) {
        if (fd >= 0) {
            LibSpawn.spawn_close(fd);
        }
    }
}
