package dev.spawn.linux;

import com.sun.jna.Memory;
import dev.spawn.spi.Errno;
import dev.spawn.spi.SharedFd;
import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.Cleaner;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * The read end of a pipe from a child, buffered like ProcessBuilder's streams. The fd is
 * released as soon as it is useless: at EOF, at {@link #close()}, when the child has exited
 * (what is left in the pipe is kept, as ProcessBuilder keeps it), or by a Cleaner when the
 * stream is dropped. Closing it early gives the child EPIPE/SIGPIPE on its next write.
 */
final class PipeInputStream extends InputStream {
    private static final int BUFFER = 8192;

    private final SharedFd fd;
    private final Cleaner.Cleanable cleanable;
    /** Held by a reader for a whole read, so the reaper never waits on it (tryLock). */
    private final ReentrantLock lock = new ReentrantLock();
    /** What was read since {@link #mark(int)}, up to {@link #markLimit}; null without a valid mark. */
    private byte[] marked;
    private int markedCount;
    private int markLimit;
    /** What {@link #reset()} gave back to be read again, from {@link #rereadPosition}; null when none. */
    private byte[] reread;
    private int rereadPosition;
    /** Set while a reader holds {@link #lock}, which may be for as long as the child stays silent. */
    private volatile boolean reading;
    /** Set while a hand-over holds {@link #lock}: for as long as its downstream spawn takes. */
    private volatile boolean handingOver;
    private byte[] buffer;
    private byte[] leftover;
    private int position;
    private int limit;
    private boolean eof;
    private volatile boolean closed;
    /** The child exited while another thread held {@link #lock}: that thread catches up at unlock. */
    private volatile boolean exitedWhileLocked;
    /** Whether the child has exited (a zombie or reaped), without reaping it; set by its process. */
    private volatile BooleanSupplier childGone = () -> false;

    PipeInputStream(int fd) {
        this.fd = new SharedFd(fd, LibSpawn.CLOSE);
        this.cleanable = Cleaners.CLEANER.register(this, this.fd::close);
    }

    /**
     * Sets what a read asks before it goes to the pipe: once the child has exited, the read keeps
     * the pipe's rest and reads end of file after it, so a grandchild holding the pipe open
     * cannot block a read that starts after the exit (as ProcessBuilder's reaper, which drains
     * the pipes at once, ensures). Reaping is left to waitFor, isAlive, exitValue and the
     * reaper's sweep (50-75 ms after the spawn), which release the other streams too: a read
     * needs only the fact, and the reap path stays out of the read's compiled code.
     */
    void childGone(BooleanSupplier gone) {
        childGone = gone;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] bytes, int offset, int length) throws IOException {
        // BufferedInputStream's order: a closed stream fails before the bounds are looked at
        ensureOpen();
        Objects.checkFromIndexSize(offset, length, bytes.length);
        if (length == 0) {
            return 0;
        }
        lock.lock();
        reading = true;
        try {
            ensureOpen();
            int count = reread != null ? readAgain(bytes, offset, length) : readLocked(bytes, offset, length);
            if (count > 0) {
                // bytes that came after a close() while the read waited: BufferedInputStream's
                // read fails then, and returns -1 at end of file (a destroy() under a reader)
                ensureOpen();
            }
            if (marked != null && count > 0) {
                keepMarked(bytes, offset, count);
            }
            return count;
        } finally {
            reading = false;
            unlock();
        }
    }

    /** A read from the buffer, the pipe's kept rest or the pipe itself; with {@link #lock} held. */
    private int readLocked(byte[] bytes, int offset, int length) throws IOException {
        if (position == limit && !eof && leftover == null && childGone.getAsBoolean()) {
            keepPending();
        }
        if (position == limit) {
            if (eof || leftover != null) {
                eof = true;
                return -1;
            }
            // as BufferedInputStream: a read as large as the buffer bypasses it, so draining a
            // child's output copies each byte once, and a child that writes nothing costs no
            // buffer at all
            if (length >= BUFFER) {
                int count = readPipe(Math.min(length, NativeBuffers.SIZE));
                if (count > 0) {
                    NativeBuffers.local().read(0, bytes, offset, count);
                }
                return count;
            }
            int count = readPipe(BUFFER);
            if (count < 0) {
                return -1;
            }
            if (buffer == null) {
                buffer = new byte[BUFFER];
            }
            NativeBuffers.local().read(0, buffer, 0, count);
            position = 0;
            limit = count;
        }
        int count = Math.min(length, limit - position);
        System.arraycopy(leftover != null ? leftover : buffer, position, bytes, offset, count);
        position += count;
        return count;
    }

    /** Supported, as by ProcessBuilder's streams (BufferedInputStreams). */
    @Override
    public boolean markSupported() {
        return true;
    }

    /**
     * Keeps what is read from here on, so {@link #reset()} can read it again: at least
     * {@code readLimit} bytes, and like BufferedInputStream's buffer at least 8 KiB whatever the
     * limit; reading past that makes the mark invalid.
     */
    @Override
    public void mark(int readLimit) {
        lock.lock();
        try {
            markLimit = Math.max(readLimit, BUFFER);
            marked = new byte[Math.min(markLimit, BUFFER)];
            markedCount = 0;
        } finally {
            unlock();
        }
    }

    /**
     * Reads again what was read since {@link #mark(int)}; the mark stays where it is.
     *
     * @throws IOException when the stream is closed, or there is no mark or it was read past
     */
    @Override
    public void reset() throws IOException {
        ensureOpen();
        lock.lock();
        try {
            ensureOpen();
            if (marked == null) {
                throw new IOException("Resetting to invalid mark");
            }
            // bytes not yet read again follow the ones read since the mark
            byte[] again = Arrays.copyOf(marked, markedCount + rereadLeft());
            if (reread != null) {
                System.arraycopy(reread, rereadPosition, again, markedCount, rereadLeft());
            }
            reread = again.length > 0 ? again : null;
            rereadPosition = 0;
            markedCount = 0;
        } finally {
            unlock();
        }
    }

    private int rereadLeft() {
        return reread == null ? 0 : reread.length - rereadPosition;
    }

    private int readAgain(byte[] bytes, int offset, int length) {
        int count = Math.min(length, rereadLeft());
        System.arraycopy(reread, rereadPosition, bytes, offset, count);
        rereadPosition += count;
        if (rereadPosition == reread.length) {
            reread = null;
        }
        return count;
    }

    private void keepMarked(byte[] bytes, int offset, int count) {
        if (markedCount + count > markLimit) {
            marked = null;
            return;
        }
        if (markedCount + count > marked.length) {
            marked = Arrays.copyOf(marked, Math.min(markLimit, Math.max(markedCount + count, marked.length * 2)));
        }
        System.arraycopy(bytes, offset, marked, markedCount, count);
        markedCount += count;
    }

    /** As BufferedInputStream's: a closed stream fails, whatever {@code n}. */
    @Override
    public long skip(long n) throws IOException {
        ensureOpen();
        return super.skip(n);
    }

    @Override
    public int available() throws IOException {
        ensureOpen();
        lock.lock();
        try {
            ensureOpen();
            int buffered = rereadLeft() + limit - position;
            if (eof || leftover != null) {
                return buffered;
            }
            // as BufferedInputStream: what is buffered and what the pipe holds
            int raw = acquire();
            try {
                int count = LibSpawn.spawn_available(raw);
                return buffered + Math.max(count, 0);
            } finally {
                fd.release();
            }
        } finally {
            unlock();
        }
    }

    /**
     * Unlocks, then does what {@link #childExited()} skipped meanwhile: as the JDK's stream,
     * whose exit handler waits for a read in progress and then keeps the pipe's rest, so a
     * grandchild that holds the pipe open cannot leave the next read blocked past the exit.
     */
    private void unlock() {
        lock.unlock();
        // an outer hold (none today) must not have the pipe drained under it
        if (exitedWhileLocked && !lock.isHeldByCurrentThread()) {
            childExited();
        }
    }

    /**
     * Reads up to {@code max} bytes (at most {@link NativeBuffers#SIZE}) into this thread's native
     * buffer; -1 at end of file, where the fd is released.
     */
    private int readPipe(int max) throws IOException {
        int raw = acquire();
        long count;
        try {
            if (VirtualThreads.current()) {
                FdReadiness.awaitReadable(raw);
            }
            count = LibSpawn.spawn_read(raw, NativeBuffers.local(), max);
        } finally {
            fd.release();
        }
        if (count < 0) {
            throw new IOException("read from child pipe failed: " + Errno.describe((int) -count));
        }
        if (count == 0) {
            eof = true;
            cleanable.clean();
            return -1;
        }
        return (int) count;
    }

    /** Whether a reader holds the stream now (for tests that need a read in progress). */
    boolean isBeingRead() {
        return reading;
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("Stream closed");
        }
    }

    private int acquire() throws IOException {
        int raw = fd.tryAcquire();
        if (raw < 0) {
            throw new IOException("Stream closed");
        }
        return raw;
    }

    /**
     * After the child exited: keeps what is in the pipe now and releases the fd, as
     * ProcessBuilder does. Never waits: when another thread holds the lock (a read, a hand-over),
     * that thread does it when it unlocks.
     */
    void childExited() {
        if (lock.isHeldByCurrentThread()) {
            // a reap on a thread inside its own hold (a hand-over): draining now would take the
            // pipe's bytes from the child about to get the pipe; the unlock catches up
            exitedWhileLocked = true;
            return;
        }
        while (!lock.tryLock()) {
            exitedWhileLocked = true;
            if (lock.isLocked()) {
                // the holder reads the flag after its unlock, which is after this check
                return;
            }
        }
        exitedWhileLocked = false;
        try {
            if (!eof && leftover == null) {
                keepPending();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Keeps what the pipe holds now and releases the fd; with {@link #lock} held. Its own method,
     * so the JIT can leave it out of the callers it is rarely taken from ({@code waitFor}, a read).
     */
    private void keepPending() {
        int raw = fd.tryAcquire();
        if (raw < 0) {
            // closed by its owner: nothing left to keep
            return;
        }
        byte[] rest;
        try {
            rest = readPending(raw);
        } finally {
            fd.release();
        }
        keepBeforeLeftover(rest);
        cleanable.clean();
    }

    /** What the pipe holds now, read without blocking (FIONREAD says how much). */
    private static byte[] readPending(int raw) {
        int pending = Math.max(LibSpawn.spawn_available(raw), 0);
        byte[] rest = new byte[pending];
        Memory local = NativeBuffers.local();
        int have = 0;
        while (have < pending) {
            long count = LibSpawn.spawn_read(raw, local, Math.min(pending - have, NativeBuffers.SIZE));
            if (count <= 0) {
                break;
            }
            local.read(0, rest, have, (int) count);
            have += (int) count;
        }
        return have == pending ? rest : Arrays.copyOf(rest, have);
    }

    /** What was buffered but unread comes first, then the pipe's rest. */
    private void keepBeforeLeftover(byte[] rest) {
        int buffered = limit - position;
        byte[] all = new byte[buffered + rest.length];
        if (buffered > 0) {
            System.arraycopy(buffer, position, all, 0, buffered);
        }
        System.arraycopy(rest, 0, all, buffered, rest.length);
        leftover = all;
        position = 0;
        limit = all.length;
    }

    /**
     * Begins handing what is left of this pipe to a new child's stdin ({@code Stdio.stdoutOf}):
     * the read end itself, or, when the upstream child already exited and its output was kept in
     * memory, a new pipe replaying that output. The stream stays locked (no reader, and no
     * {@link #childExited()} taking the pipe's bytes) until {@link Handover#commit()}, after
     * which it reads end of file, or {@link Handover#abort()}, after which it is as before: a
     * spawn that failed loses nothing and may be retried.
     *
     * @throws IllegalArgumentException when bytes this stream buffered would be lost, or it was
     *     closed or read to its end, or another thread is reading it
     */
    Handover handOver() throws IOException {
        // childExited() holds the lock only for a non-blocking drain: wait it out
        // (it may leave the upstream's bytes in memory for a replay). A reader may hold it for
        // as long as the upstream stays silent, another hand-over for as long as its spawn: refuse.
        while (!lock.tryLock()) {
            if (reading) {
                throw new IllegalArgumentException("the upstream's stdout is being read by another thread");
            }
            if (handingOver) {
                throw new IllegalArgumentException("the upstream's stdout is being handed to another child");
            }
            Thread.onSpinWait();
        }
        try {
            if (closed || eof) {
                throw new IllegalArgumentException("the upstream's stdout was closed or read to its end");
            }
            if (position < limit && leftover == null || reread != null) {
                int held = limit - position + rereadLeft();
                throw new IllegalArgumentException("the upstream's stdout holds " + held
                        + " bytes read ahead or reset that a pipe cannot pass on");
            }
            Handover handover = leftover != null
                    ? new Handover(replay(leftover, position, limit - position), true)
                    : new Handover(fd.acquire(), false);
            handingOver = true;
            return handover;
        } catch (IOException | RuntimeException e) {
            unlock();
            throw e;
        }
    }

    /** A pipe end on its way to a child; ends with exactly one of commit and abort. */
    final class Handover {
        /** The fd to dup2 into the child. */
        final int fd;
        private final boolean replayed;

        private Handover(int fd, boolean replayed) {
            this.fd = fd;
            this.replayed = replayed;
        }

        /** The child has it: the caller's copy goes, and the stream reads end of file. */
        void commit() {
            try {
                releaseFd();
                eof = true;
                leftover = null;
                position = 0;
                limit = 0;
                cleanable.clean();
            } finally {
                handingOver = false;
                unlock();
            }
        }

        /** No child got it: the stream is as it was (and as its child's exit, if that came meanwhile, left it). */
        void abort() {
            try {
                releaseFd();
            } finally {
                handingOver = false;
                unlock();
            }
        }

        /** A replay pipe was this hand-over's alone; the stream's own fd was only borrowed. */
        private void releaseFd() {
            if (replayed) {
                LibSpawn.spawn_close(fd);
            } else {
                PipeInputStream.this.fd.release();
            }
        }
    }

    /** A new pipe's read end from which {@code length} bytes of {@code bytes} can be read, then EOF. */
    private static int replay(byte[] bytes, int offset, int length) throws IOException {
        int[] fds = new int[2];
        // the write end non-blocking: a new pipe holds 64 KiB (8 KiB over pipe-user-pages-soft),
        // and a blocking write of more, with no reader yet, would never return
        int result = LibSpawn.spawn_pipe2(fds, LibSpawn.PIPE_NONBLOCK_WRITE);
        if (result < 0) {
            throw new IOException("pipe2 for the upstream's kept output failed: " + Errno.describe(-result));
        }
        try {
            Memory local = NativeBuffers.local();
            for (int done = 0; done < length;) {
                int chunk = Math.min(length - done, NativeBuffers.SIZE);
                local.write(0, bytes, offset + done, chunk);
                long wrote = LibSpawn.spawn_write(fds[1], local, chunk);
                if (wrote == -Errno.EAGAIN) {
                    throw new IllegalArgumentException("the upstream exited leaving " + length
                            + " bytes, more than a new pipe holds (" + done + ")");
                }
                if (wrote <= 0) {
                    throw new IOException("writing the upstream's kept output failed: " + Errno.describe((int) -wrote));
                }
                done += (int) wrote;
            }
        } catch (IOException | RuntimeException e) {
            LibSpawn.spawn_close(fds[0]);
            throw e;
        } finally {
            LibSpawn.spawn_close(fds[1]);
        }
        return fds[0];
    }

    /** Never waits for a reader: the fd is released when the last read in flight returns. */
    @Override
    public void close() {
        closed = true;
        cleanable.clean();
    }
}
