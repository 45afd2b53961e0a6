package dev.spawn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A result is a value: nobody can change its bytes, and equal contents are equal results. */
class ToolResultTest {

    private static ToolResult result(byte[] stdout, byte[] stderr) {
        return new ToolResult(42, Backend.USERSPACE, 0, 0, stdout, stderr, stdout.length, stderr.length, false, false,
                Duration.ofMillis(7));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theCallerCannotChangeTheBytesThroughTheArrayItPassedIn() {
        byte[] stdout = bytes("json");
        byte[] stderr = bytes("warn");
        ToolResult result = result(stdout, stderr);
        stdout[0] = 'J';
        stderr[0] = 'W';
        assertEquals("json", result.stdoutText());
        assertEquals("warn", result.stderrText());
    }

    @Test
    void theCallerCannotChangeTheBytesThroughTheAccessors() {
        ToolResult result = result(bytes("json"), bytes("warn"));
        result.stdout()[0] = 'J';
        result.stderr()[0] = 'W';
        assertArrayEquals(bytes("json"), result.stdout());
        assertArrayEquals(bytes("warn"), result.stderr());
        assertEquals("json", result.stdoutText());
    }

    @Test
    void theBuffersShowTheBytesAndRefuseWrites() {
        ToolResult result = result(bytes("json"), bytes("warn"));
        ByteBuffer out = result.stdoutBuffer();
        assertEquals(4, out.remaining());
        assertEquals('j', out.get(0));
        assertThrows(ReadOnlyBufferException.class, () -> out.put(0, (byte) 'J'));
        assertEquals('w', result.stderrBuffer().get(0));
        assertThrows(ReadOnlyBufferException.class, () -> result.stderrBuffer().put((byte) 'W'));
        assertEquals("json", result.stdoutText());
    }

    @Test
    void resultsWithEqualBytesAreEqual() {
        ToolResult one = result(bytes("out"), bytes("err"));
        ToolResult other = result(bytes("out"), bytes("err"));
        assertEquals(one, other);
        assertEquals(one.hashCode(), other.hashCode());
        assertNotEquals(one, result(bytes("out"), bytes("ERR")));
        assertNotEquals(one, result(bytes("OUT"), bytes("err")));
        assertNotEquals(one, new ToolResult(42, Backend.USERSPACE, 0, 0, bytes("out"), bytes("err"), 3, 3, true,
                false, Duration.ofMillis(7)));
    }
}
