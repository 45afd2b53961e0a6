package dev.spawn.linux;

import dev.spawn.spi.Errno;
import java.io.IOException;

/** Small wrappers that turn the shim's -errno into exceptions naming the call and the errno. */
final class Syscalls {
    private Syscalls() {
    }

    static int check(int result, String call) throws IOException {
        if (result < 0) {
            throw new IOException(call + " failed: " + Errno.describe(-result));
        }
        return result;
    }

    static void closeQuietly(int fd) {
        if (fd >= 0) {
            LibSpawn.spawn_close(fd);
        }
    }
}
