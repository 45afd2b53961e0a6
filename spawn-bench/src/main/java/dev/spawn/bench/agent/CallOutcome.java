package dev.spawn.bench.agent;

/**
 * What one call produced: exit code, SHA-256 of its stdout, byte counts, and its latency; or,
 * when the library threw, the exception text in {@code error} (exit code -1).
 */
public record CallOutcome(int index, int exitCode, String stdoutSha256, long stdoutBytes, long stderrBytes,
        long micros, String error) {

    /** An outcome for a call the library failed to run. */
    public static CallOutcome failed(int index, long micros, Throwable error) {
        String text = (error.getClass().getSimpleName() + ": " + error.getMessage()).replaceAll("\\s+", " ");
        return new CallOutcome(index, -1, "-", 0, 0, micros, text);
    }

    /**
     * Whether this and {@code other} agree on what is compared: exit code, stdout digest and the
     * number of stderr bytes (so a backend that lost a child's stderr cannot pass).
     */
    public boolean sameResultAs(CallOutcome other) {
        return error == null && other.error == null && exitCode == other.exitCode
                && stdoutSha256.equals(other.stdoutSha256) && stderrBytes == other.stderrBytes;
    }

    /** A short form for messages. */
    public String summary() {
        if (error != null) {
            return "error " + error;
        }
        return "exit " + exitCode + ", stdout " + stdoutBytes + " B sha256 " + stdoutSha256.substring(0,
                Math.min(16, stdoutSha256.length())) + ", stderr " + stderrBytes + " B";
    }

    /** The protocol line a worker prints: {@code R index exit sha out err micros [error]}. */
    public String toLine() {
        return "R " + index + ' ' + exitCode + ' ' + stdoutSha256 + ' ' + stdoutBytes + ' ' + stderrBytes + ' '
                + micros + (error == null ? "" : " " + error);
    }

    /** Parses {@link #toLine()}. */
    public static CallOutcome fromLine(String line) {
        String[] fields = line.split(" ", 8);
        if (fields.length < 7 || !fields[0].equals("R")) {
            throw new IllegalArgumentException("not a result line: " + line);
        }
        return new CallOutcome(Integer.parseInt(fields[1]), Integer.parseInt(fields[2]), fields[3],
                Long.parseLong(fields[4]), Long.parseLong(fields[5]), Long.parseLong(fields[6]),
                fields.length > 7 ? fields[7] : null);
    }
}
