package dev.spawn.bench.agent;

import java.util.Arrays;
import java.util.List;

/**
 * Keeps a worker JVM's own output off its stdout, which carries the worker protocol to the
 * runner: a line of HotSpot's (printed in pieces, as -XX:+PrintCompilation's are) landing inside
 * a protocol line breaks it. HotSpot's tty output and its default warnings go to stderr, the
 * worker's log, instead; a {@code --jvm-arg} that would still log to stdout is refused.
 */
final class WorkerVmOutput {
    /**
     * Given before the {@code --jvm-arg}s. Unified logging ({@code -Xlog}, {@code -verbose}) is
     * not covered by DisplayVMOutputToStderr: its default configuration, warnings to stdout, is
     * turned off on stdout alone (outputs set in JAVA_TOOL_OPTIONS stay) and warnings go to
     * stderr instead.
     */
    static final List<String> OPTIONS = List.of("-XX:+DisplayVMOutputToStderr", "-Xlog:all=off:stdout",
            "-Xlog:all=warning:stderr");

    private WorkerVmOutput() {
    }

    /**
     * @throws IllegalArgumentException when {@code jvmArg} sends the JVM's output to stdout, saying
     *     what to use instead
     */
    static void requireOffStdout(String jvmArg) {
        String why = "--jvm-arg " + jvmArg + " would print to the worker's stdout, which carries its protocol to"
                + " the runner: ";
        if (jvmArg.equals("-verbose") || jvmArg.startsWith("-verbose:")) {
            throw new IllegalArgumentException(why + "use -Xlog with an output instead, e.g. -Xlog:gc:stderr"
                    + " (into the worker's log) or -Xlog:gc:file=PATH");
        }
        if (jvmArg.equals("-XX:-DisplayVMOutputToStderr") || jvmArg.equals("-XX:+DisplayVMOutputToStdout")) {
            throw new IllegalArgumentException(why + "the runner sends the JVM's output to the worker's log");
        }
        if (jvmArg.equals("-Xlog") || jvmArg.startsWith("-Xlog:")) {
            String[] parts = jvmArg.equals("-Xlog") ? new String[] {""} : jvmArg.substring(6).split(":", -1);
            if (parts.length == 1 && (parts[0].equals("disable") || parts[0].equals("async"))) {
                return;
            }
            if (!parts[0].isEmpty() && Arrays.stream(parts[0].split(",")).allMatch(tag -> tag.endsWith("=off"))) {
                // turns logging off: prints nothing, wherever it points
                return;
            }
            String output = parts.length > 1 ? parts[1] : "";
            if (output.isEmpty() || output.equals("stdout") || output.equals("#0")) {
                String what = parts[0].isEmpty() ? "all" : parts[0];
                throw new IllegalArgumentException(why + "name another output, e.g. -Xlog:" + what
                        + ":stderr (into the worker's log) or -Xlog:" + what + ":file=PATH");
            }
        }
    }
}
