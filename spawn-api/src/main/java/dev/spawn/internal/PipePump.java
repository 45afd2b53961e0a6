package dev.spawn.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Joins two stages of a pipeline: copies one child's stdout pipe into the next child's stdin
 * pipe on a daemon thread that lives as long as the stream. At end of file the next stage's
 * stdin is closed (it sees EOF); when the next stage stops reading (EPIPE) the previous stage's
 * stdout is closed, so its next write gets SIGPIPE as with a direct pipe.
 */
public final class PipePump implements Runnable {
    private static final int BUFFER = 64 * 1024;

    private final InputStream from;
    private final OutputStream to;

    private PipePump(InputStream from, OutputStream to) {
        this.from = from;
        this.to = to;
    }

    /** Starts copying {@code from} into {@code to}; both are closed when the copy ends. */
    public static void start(InputStream from, OutputStream to) {
        Thread thread = new Thread(new PipePump(from, to), "spawn-pipeline-pump");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void run() {
        byte[] buffer = new byte[BUFFER];
        try {
            int count;
            while ((count = from.read(buffer)) >= 0) {
                to.write(buffer, 0, count);
                // a PROCESS_BUILDER stage's stdin buffers 8 KiB: a pipe would deliver this now
                to.flush();
            }
        } catch (IOException e) {
            // EPIPE from the next stage or a closed stream: both ends are closed below
        } finally {
            closeQuietly(to);
            closeQuietly(from);
        }
    }

    private static void closeQuietly(AutoCloseable stream) {
        try {
            stream.close();
        } catch (Exception ignored) {
            // nothing to report to: the stages see EOF or SIGPIPE
        }
    }
}
