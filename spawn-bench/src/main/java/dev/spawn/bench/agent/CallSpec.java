package dev.spawn.bench.agent;

import java.util.List;

/**
 * One tool call of the mix: its index, the tool, and its arguments after argv[0]. argv[0] is
 * the executable's absolute path on every backend (ProcessBuilder cannot set it apart), so all
 * backends give the child the same argv.
 */
public record CallSpec(int index, Tool tool, List<String> args) {
    public CallSpec {
        args = List.copyOf(args);
    }

    /** A shell-like rendering for messages, e.g. {@code #12 grep -rn TODO src/pkg03}. */
    public String describe() {
        StringBuilder text = new StringBuilder("#").append(index).append(' ').append(tool.command());
        for (String arg : args) {
            text.append(' ').append(quote(arg));
        }
        return text.toString();
    }

    private static String quote(String arg) {
        if (!arg.isEmpty() && arg.chars().allMatch(c -> Character.isLetterOrDigit(c) || "-_./=:,+%".indexOf(c) >= 0)) {
            return arg;
        }
        return "'" + arg.replace("'", "'\\''") + "'";
    }
}
