package dev.spawn.spi;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** What a Process returns for a stream that is not a pipe, as ProcessBuilder does; for backends. */
public final class NullStreams {
    /** Always at end of file, whether closed or not, so one instance serves every process. */
    public static final InputStream INPUT = new InputStream() {
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
    public static final OutputStream OUTPUT = new OutputStream() {
        @Override
        public void write(int b) throws IOException {
            throw new IOException("Stream closed");
        }
    };

    private NullStreams() {
    }
}
