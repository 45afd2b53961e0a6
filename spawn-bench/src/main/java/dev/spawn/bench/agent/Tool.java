package dev.spawn.bench.agent;

/** The sixteen tool calls of the RFC's agent mix; several may share one executable (git). */
public enum Tool {
    RG("rg", "rg", false),
    GREP("grep", "grep", false),
    SED("sed", "sed", false),
    AWK("awk", "awk", false),
    CAT("cat", "cat", false),
    HEAD("head", "head", false),
    TAIL("tail", "tail", false),
    FIND("find", "find", false),
    STAT("stat", "stat", false),
    LS("ls", "ls", false),
    GIT_STATUS("git-status", "git", false),
    GIT_DIFF("git-diff", "git", false),
    PYTHON("python", "python3", true),
    NODE("node", "node", true),
    SH("sh", "sh", false),
    BASH("bash", "bash", false);

    private final String label;
    private final String command;
    private final boolean interpreter;

    Tool(String label, String command, boolean interpreter) {
        this.label = label;
        this.command = command;
        this.interpreter = interpreter;
    }

    /** A short name for reports, e.g. {@code git-status}. */
    public String label() {
        return label;
    }

    /** The executable's name, looked up on PATH. */
    public String command() {
        return command;
    }

    /** Whether the tool's own start-up (an interpreter, 10-70 ms) dominates its call. */
    public boolean interpreter() {
        return interpreter;
    }

    /** The tool with this label, e.g. {@code git-status}. */
    public static Tool ofLabel(String label) {
        for (Tool tool : values()) {
            if (tool.label.equals(label)) {
                return tool;
            }
        }
        throw new IllegalArgumentException("no tool labelled \"" + label + "\"");
    }
}
