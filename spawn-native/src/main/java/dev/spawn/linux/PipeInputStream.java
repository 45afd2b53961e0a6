package dev.spawn.linux;

import com.sun.jna.Memory;
import dev.spawn.spi.Errno;
import dev.spawn.spi.SharedFd;
import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.Cleaner;

/**
 * The read end of a pipe from a child, buffered like ProcessBuilder's streams. Closing it (or
 * dropping it: a Cleaner closes the fd) gives the child EPIPE/SIGPIPE on its next write.
 */
final class PipeInputStream extends InputStream {
    private static final int BUFFER = 8192;

    private final SharedFd fd;
    private final Memory buffer = new Memory(BUFFER);
    private final Cleaner.Cleanable cleanable;
    private int position;
    private int limit;
    private boolean eof;

    PipeInputStream(int fd) {
        this.fd = new SharedFd(fd, LibSpawn::spawn_close);
        this.cleanable = Cleaners.CLEANER.register(this, this.fd::close);
    }

    @Override
    public synchronized int read() throws IOException {
        if (position == limit && !fill()) {
            return -1;
        }
        return buffer.getByte(position++) & 0xff;
    }

    @Override
    public synchronized int read(byte[] bytes, int offset, int length) throws IOException {
        java.util.Objects.checkFromIndexSize(offset, length, bytes.length);
        if (length == 0) {
            return 0;
        }
        if (position == limit && !fill()) {
            return -1;
        }
        int count = Math.min(length, limit - position);
        buffer.read(position, bytes, offset, count);
        position += count;
        return count;
    }

    @Override
    public synchronized int available() {
        return limit - position;
    }

    private boolean fill() throws IOException {
        if (eof) {
            return false;
        }
        int raw;
        try {
            raw = fd.acquire();
        } catch (IllegalStateException e) {
            throw new IOException("Stream closed", e);
        }
        long count;
        try {
            count = LibSpawn.spawn_read(raw, buffer, BUFFER);
        } finally {
            fd.release();
        }
        if (count < 0) {
            throw new IOException("read from child pipe failed: " + Errno.describe((int) -count));
        }
        position = 0;
        limit = (int) count;
        eof = count == 0;
        return !eof;
    }

    @Override
    public void close() {
        cleanable.clean();
    }
}
