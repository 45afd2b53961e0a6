package dev.spawn.bench.agent;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A named mix of tools and a default call count sized for about a minute on two cores. */
public enum Preset {
    /** All sixteen tools, as the RFC ran them. */
    AGENT_TOOLS("agent-tools", 768, true),
    /** Without python and node, whose own start-up hides the spawn cost. */
    AGENT_TOOLS_LIGHT("agent-tools-light", 4096, false);

    private final String command;
    private final int defaultCalls;
    private final boolean interpreters;

    Preset(String command, int defaultCalls, boolean interpreters) {
        this.command = command;
        this.defaultCalls = defaultCalls;
        this.interpreters = interpreters;
    }

    /** The subcommand that selects this preset. */
    public String command() {
        return command;
    }

    /** Total calls per backend and split unless {@code --calls} says otherwise. */
    public int defaultCalls() {
        return defaultCalls;
    }

    /** The tools of this preset, in the mix's fixed order. */
    public List<Tool> tools() {
        List<Tool> tools = new ArrayList<>();
        for (Tool tool : Tool.values()) {
            if (interpreters || !tool.interpreter()) {
                tools.add(tool);
            }
        }
        return List.copyOf(tools);
    }

    /** The preset named by a subcommand, or {@code null}. */
    public static Preset ofCommand(String command) {
        for (Preset preset : values()) {
            if (preset.command.equals(command.toLowerCase(Locale.ROOT))) {
                return preset;
            }
        }
        return null;
    }
}
