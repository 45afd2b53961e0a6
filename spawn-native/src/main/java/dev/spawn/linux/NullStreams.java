package dev.spawn.linux;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** What a Process returns for a stream that is not a pipe, as ProcessBuilder does. */
final class NullStreams {
    /** Always at EOF, whether closed or not, so one instance serves every process. */
    static final InputStream INPUT = new InputStream() {
        @Override
        public int read() {
            return -1;
        }

        @Override
        public int available() {
            return 0;
        }
    };

    /** Refuses every write, as the JDK's does for a stdin that is not a pipe. */
    static final OutputStream OUTPUT = new OutputStream() {
        @Override
        public void write(int b) throws IOException {
            throw new IOException("Stream closed: the child's stdin is not a pipe");
        }
    };

    private NullStreams() {
    }
}
