package dev.spawn.linux;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** What a Process returns for a stream that is not a pipe, as ProcessBuilder does. */
final class NullStreams {
    static final InputStream INPUT = InputStream.nullInputStream();
    static final OutputStream OUTPUT = new OutputStream() {
        @Override
        public void write(int b) throws IOException {
            throw new IOException("Stream closed: the child's stdin is not a pipe");
        }
    };

    private NullStreams() {
    }
}
