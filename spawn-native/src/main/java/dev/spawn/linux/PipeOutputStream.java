package dev.spawn.linux;

import com.sun.jna.Memory;
import dev.spawn.spi.Errno;
import dev.spawn.spi.SharedFd;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.ref.Cleaner;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/** The write end of a pipe to a child's stdin; closing it gives the child EOF. */
final class PipeOutputStream extends OutputStream {
    /** What a pipe takes without blocking once poll(2) says it is writable: a page. */
    private static final int PIPE_BUF = 4096;

    private final SharedFd fd;
    private final Cleaner.Cleanable cleanable;
    /** Not a monitor: a virtual thread parked under one holds its carrier before JDK 24. */
    private final ReentrantLock lock = new ReentrantLock();

    PipeOutputStream(int fd) {
        this.fd = new SharedFd(fd, LibSpawn.CLOSE);
        this.cleanable = Cleaners.CLEANER.register(this, this.fd::close);
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        lock.lock();
        try {
            writeLocked(bytes, offset, length);
        } finally {
            lock.unlock();
        }
    }

    /**
     * On a virtual thread, a page at a time once the pipe has room for it, so that the write
     * never blocks in native code; on a platform thread, blocking writes of the whole chunk.
     */
    private void writeLocked(byte[] bytes, int offset, int length) throws IOException {
        int raw = fd.tryAcquire();
        if (raw < 0) {
            throw new IOException("Stream closed");
        }
        boolean virtual = VirtualThreads.current();
        try {
            Memory buffer = NativeBuffers.local();
            while (length > 0) {
                int chunk = Math.min(length, NativeBuffers.SIZE);
                buffer.write(0, bytes, offset, chunk);
                int sent = 0;
                while (sent < chunk) {
                    int size = chunk - sent;
                    if (virtual) {
                        FdReadiness.awaitWritable(raw);
                        size = Math.min(size, PIPE_BUF);
                    }
                    long count = LibSpawn.spawn_write(raw, buffer.share(sent), size);
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
