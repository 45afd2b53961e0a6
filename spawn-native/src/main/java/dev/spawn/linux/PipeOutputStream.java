package dev.spawn.linux;

import com.sun.jna.Memory;
import dev.spawn.spi.Errno;
import dev.spawn.spi.SharedFd;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.ref.Cleaner;
import java.util.Objects;

/** The write end of a pipe to a child's stdin; closing it gives the child EOF. */
final class PipeOutputStream extends OutputStream {

    private final SharedFd fd;
    private final Cleaner.Cleanable cleanable;

    PipeOutputStream(int fd) {
        this.fd = new SharedFd(fd, LibSpawn.CLOSE);
        this.cleanable = Cleaners.CLEANER.register(this, this.fd::close);
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        int raw = fd.tryAcquire();
        if (raw < 0) {
            throw new IOException("Stream closed");
        }
        try {
            Memory buffer = NativeBuffers.local();
            while (length > 0) {
                int chunk = Math.min(length, NativeBuffers.SIZE);
                buffer.write(0, bytes, offset, chunk);
                int sent = 0;
                while (sent < chunk) {
                    long count = LibSpawn.spawn_write(raw, buffer.share(sent), chunk - sent);
                    if (count < 0) {
                        throw new IOException(
                                (count == -Errno.EPIPE ? "Broken pipe" : "write to child pipe failed") + ": "
                                        + Errno.describe((int) -count));
                    }
                    sent += (int) count;
                }
                offset += chunk;
                length -= chunk;
            }
        } finally {
            fd.release();
        }
    }

    @Override
    public void close() {
        cleanable.clean();
    }

    /** After the child exited nobody can read what we write: release the fd, as ProcessBuilder does. */
    void childExited() {
        cleanable.clean();
    }
}
