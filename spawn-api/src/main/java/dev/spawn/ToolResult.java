package dev.spawn;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

/**
 * What a {@link ToolCall} produced. The byte arrays are the first bytes of each stream, up to
 * the call's cap; the totals count every byte the child wrote that was read before the call
 * ended. A cancelled call has none: its future is cancelled and an interrupted
 * {@link SpawnTemplate#call(ToolCall)} throws.
 *
 * <p>A value: the constructor and the byte accessors copy, so nobody can change the bytes,
 * and results are equal when their components are, the bytes compared by content.
 *
 * @param pid the child's pid, for logs only: reaped by now, unless {@code killGroupWhenDone(false)}
 *     left a grace period running, after which it is
 * @param backend the backend that started it
 * @param exitCode the exit status when the child exited, else -1
 * @param signal the signal that ended the child, else 0
 * @param stdout the first bytes of stdout, at most the cap
 * @param stderr the first bytes of stderr, at most the cap
 * @param stdoutTotal bytes read from stdout in all, kept or not
 * @param stderrTotal bytes read from stderr in all, kept or not
 * @param timedOut whether the call reached its timeout, while the child ran (the kill policy
 *     then ran) or while its pipes drained ({@link ToolCall.Builder#timeout} says what follows)
 * @param drainTimedOut whether the pipes were still open when the drain after the child's exit
 *     ended, at the drain timeout or the call's timeout (a descendant kept them open), so output
 *     written later is lost
 * @param wallTime from the start of the spawn to the end of the call
 */
public record ToolResult(long pid, Backend backend, int exitCode, int signal, byte[] stdout, byte[] stderr,
        long stdoutTotal, long stderrTotal, boolean timedOut, boolean drainTimedOut, Duration wallTime) {
    /** Checks the values and copies the bytes. */
    public ToolResult {
        Objects.requireNonNull(backend, "backend");
        stdout = Objects.requireNonNull(stdout, "stdout").clone();
        stderr = Objects.requireNonNull(stderr, "stderr").clone();
        Objects.requireNonNull(wallTime, "wallTime");
    }

    /** A copy of the first bytes of stdout, at most the cap. */
    @Override
    public byte[] stdout() {
        return stdout.clone();
    }

    /** A copy of the first bytes of stderr, at most the cap. */
    @Override
    public byte[] stderr() {
        return stderr.clone();
    }

    /** The first bytes of stdout as a read-only buffer: no copy, for output too large to copy twice. */
    public ByteBuffer stdoutBuffer() {
        return ByteBuffer.wrap(stdout).asReadOnlyBuffer();
    }

    /** The first bytes of stderr as a read-only buffer, without a copy. */
    public ByteBuffer stderrBuffer() {
        return ByteBuffer.wrap(stderr).asReadOnlyBuffer();
    }

    /** Whether the child exited by itself (not by a signal). */
    public boolean exited() {
        return signal == 0;
    }

    /** As {@link Process#exitValue()}: the exit status, or 128 + the signal. */
    public int exitValue() {
        return signal == 0 ? exitCode : 128 + signal;
    }

    /** Whether stdout had more bytes than were kept. */
    public boolean stdoutTruncated() {
        return stdoutTotal > stdout.length;
    }

    /** Whether stderr had more bytes than were kept. */
    public boolean stderrTruncated() {
        return stderrTotal > stderr.length;
    }

    /** stdout as UTF-8 (a multi-byte character cut by the cap becomes U+FFFD). */
    public String stdoutText() {
        return new String(stdout, StandardCharsets.UTF_8);
    }

    /** stderr as UTF-8. */
    public String stderrText() {
        return new String(stderr, StandardCharsets.UTF_8);
    }

    /** Equal when every component is, the bytes by content. */
    @Override
    public boolean equals(Object other) {
        return other instanceof ToolResult that && pid == that.pid && backend == that.backend
                && exitCode == that.exitCode && signal == that.signal && Arrays.equals(stdout, that.stdout)
                && Arrays.equals(stderr, that.stderr) && stdoutTotal == that.stdoutTotal
                && stderrTotal == that.stderrTotal && timedOut == that.timedOut && drainTimedOut == that.drainTimedOut
                && wallTime.equals(that.wallTime);
    }

    /** From every component, the bytes by content. */
    @Override
    public int hashCode() {
        int hash = Objects.hash(pid, backend, exitCode, signal, stdoutTotal, stderrTotal, timedOut, drainTimedOut,
                wallTime);
        return 31 * (31 * hash + Arrays.hashCode(stdout)) + Arrays.hashCode(stderr);
    }

    @Override
    public String toString() {
        return "ToolResult[pid=" + pid + ", " + backend + ", " + (signal == 0 ? "exit " + exitCode : "signal " + signal)
                + ", stdout " + stdout.length + "/" + stdoutTotal + " B, stderr " + stderr.length + "/" + stderrTotal
                + " B" + (timedOut ? ", timed out" : "") + (drainTimedOut ? ", drain timed out" : "") + ", "
                + wallTime.toMillis() + " ms]";
    }
}
