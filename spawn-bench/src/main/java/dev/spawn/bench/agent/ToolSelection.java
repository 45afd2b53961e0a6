package dev.spawn.bench.agent;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The preset's tools as this machine has them: the ones found (past a {@code #!} shim to the
 * binary behind it unless {@code --keep-shims}), the commands missing, and the tools of the mix
 * that are left.
 */
record ToolSelection(List<ResolvedTool> tools, List<String> missing, List<Tool> mix) {
    /** The commands a minimal system lacks most often, with the Debian packages that have them (as README says). */
    private static final Map<String, String> DEBIAN_PACKAGES = Map.of("rg", "ripgrep", "git", "git", "python3",
            "python3", "node", "nodejs");

    ToolSelection {
        tools = List.copyOf(tools);
        missing = List.copyOf(missing);
        mix = List.copyOf(mix);
    }

    /**
     * Resolves the preset's commands with {@code resolver}, saying on {@code progress} what it
     * found and what it leaves out.
     *
     * @throws UsageError for a script a forced kernel backend cannot run, or when no tool is left
     */
    static ToolSelection resolve(RunnerOptions options, ToolResolver resolver, PrintStream progress)
            throws IOException {
        String name = options.preset().command();
        List<ResolvedTool> tools = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, Optional<ResolvedTool>> entry : resolver.resolveAll(options.preset().tools())
                .entrySet()) {
            if (entry.getValue().isEmpty()) {
                missing.add(entry.getKey());
                String debian = DEBIAN_PACKAGES.get(entry.getKey());
                progress.println(name + ": " + entry.getKey() + " is not on PATH; its calls are left out of the mix"
                        + " for every backend" + (debian == null ? "" : " (Debian: apt-get install " + debian + ")"));
                continue;
            }
            ResolvedTool tool = options.keepShims() ? entry.getValue().get() : entry.getValue().get().pastShim();
            if (tool.script() && (options.backends().contains(Engine.KERNEL)
                    || options.backends().contains(Engine.C_KERNEL))) {
                throw new UsageError(tool.command() + " is the #! script " + tool.path()
                        + ": a forced kernel backend cannot run scripts (ENOEXEC); pass --tool " + tool.command()
                        + "=/path/to/the/binary");
            }
            tools.add(tool);
            progress.println("  tool " + tool.describe());
        }
        List<Tool> mix = options.preset().tools().stream().filter(tool -> !missing.contains(tool.command())).toList();
        if (mix.isEmpty()) {
            throw new UsageError("none of " + name + "'s commands is on PATH (" + String.join(", ", missing)
                    + "): no tool left to call");
        }
        return new ToolSelection(tools, missing, mix);
    }

    /** The resolved tools by command name. */
    Map<String, ResolvedTool> byCommand() {
        Map<String, ResolvedTool> byCommand = new HashMap<>();
        tools.forEach(tool -> byCommand.put(tool.command(), tool));
        return byCommand;
    }
}
