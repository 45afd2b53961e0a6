package dev.spawn.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spawn.Backend;
import dev.spawn.SpawnProcessBuilder;
import dev.spawn.SpawnRequest;
import dev.spawn.SpawnTemplate;
import dev.spawn.SpawnedProcess;
import dev.spawn.Spawner;
import dev.spawn.Stdio;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** mark and reset on a child's stdout, with BufferedInputStream's contract (ProcessBuilder's streams). */
class PipeMarkTest {
    private static final String TEXT = "0123456789".repeat(3000);

    private static Process printText() throws IOException {
        return new SpawnProcessBuilder("printf", "%s", TEXT).start();
    }

    private static String read(InputStream in, int n) throws IOException {
        return new String(in.readNBytes(n), StandardCharsets.US_ASCII);
    }

    @Test
    void aMarkMovedWhileReadingAgainKeepsWhatFollowsIt() throws Exception {
        Process process = printText();
        InputStream in = process.getInputStream();
        in.mark(100);
        assertEquals("0123456789", read(in, 10));
        in.reset();
        assertEquals("01234", read(in, 5));
        in.mark(100);
        assertEquals("5678901234", read(in, 10), "five read again, five new");
        in.reset();
        assertTrue(in.available() >= 10, "the bytes to read again count as available");
        assertEquals("56789012345", read(in, 11));
        in.reset();
        assertEquals(TEXT.substring(5), new String(in.readAllBytes(), StandardCharsets.US_ASCII));
        assertEquals(0, process.waitFor());
    }

    @Test
    void readingPastTheLimitAndTheBufferMakesTheMarkInvalid() throws Exception {
        Process process = printText();
        InputStream in = process.getInputStream();
        in.mark(4);
        byte[] within = in.readNBytes(8192);
        in.reset();
        assertArrayEquals(within, in.readNBytes(8192), "at least a buffer's worth is kept, as BufferedInputStream keeps it");
        in.reset();
        in.readNBytes(8193);
        IOException invalid = assertThrows(IOException.class, in::reset);
        assertEquals("Resetting to invalid mark", invalid.getMessage());
        byte[] rest = in.readAllBytes();
        assertArrayEquals(Arrays.copyOfRange(TEXT.getBytes(StandardCharsets.US_ASCII), 8193, TEXT.length()), rest);
        assertEquals(0, process.waitFor());
    }

    @Test
    void aLargeLimitGrowsTheKeptBytesAsNeeded() throws Exception {
        Process process = printText();
        InputStream in = process.getInputStream();
        in.mark(Integer.MAX_VALUE);
        byte[] all = in.readAllBytes();
        in.reset();
        assertArrayEquals(all, in.readAllBytes());
        assertEquals(TEXT, new String(all, StandardCharsets.US_ASCII));
        assertEquals(0, process.waitFor());
    }

    @Test
    void bytesWaitingToBeReadAgainAreNotHandedToAnotherChild() throws Exception {
        try (SpawnTemplate cat = Spawner.using(Backend.USERSPACE).template(Path.of("/bin/cat"))) {
            SpawnedProcess upstream = cat.spawn(SpawnRequest.builder("cat").build());
            upstream.getOutputStream().write("abcdef".getBytes(StandardCharsets.US_ASCII));
            upstream.getOutputStream().flush();
            InputStream in = upstream.getInputStream();
            in.mark(10);
            assertEquals("abc", read(in, 3));
            in.reset();
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> cat.spawn(SpawnRequest.builder("cat").stdin(Stdio.stdoutOf(upstream)).build()));
            assertTrue(refused.getMessage().contains("read ahead or reset"), refused.getMessage());
            upstream.getOutputStream().close();
            assertEquals("abcdef", new String(in.readAllBytes(), StandardCharsets.US_ASCII));
            assertEquals(0, upstream.waitFor());
        }
    }
}
