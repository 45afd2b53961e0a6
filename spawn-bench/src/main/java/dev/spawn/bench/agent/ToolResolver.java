package dev.spawn.bench.agent;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Looks commands up on PATH the way a shell does, with explicit overrides ({@code --tool NAME=PATH}). */
public final class ToolResolver {
    private final List<Path> path;
    private final Map<String, Path> overrides;

    public ToolResolver(String pathVariable, Map<String, Path> overrides) {
        this.path = Arrays.stream(pathVariable == null ? new String[0] : pathVariable.split(":"))
                .filter(entry -> !entry.isEmpty())
                .map(Path::of)
                .filter(Path::isAbsolute)
                .toList();
        this.overrides = Map.copyOf(overrides);
    }

    /** A resolver over this JVM's PATH. */
    public static ToolResolver fromEnvironment(Map<String, Path> overrides) {
        return new ToolResolver(System.getenv("PATH"), overrides);
    }

    /**
     * The first executable regular file named {@code command} on PATH (or its override).
     *
     * @throws UsageError when the override is not an executable file
     */
    public Optional<ResolvedTool> resolve(String command) throws IOException {
        Path override = overrides.get(command);
        if (override != null) {
            Path absolute = override.toAbsolutePath().normalize();
            if (!isExecutableFile(absolute)) {
                throw new UsageError("--tool " + command + "=" + override + " is not an executable file");
            }
            return Optional.of(describe(command, absolute, null));
        }
        Path first = null;
        for (Path directory : path) {
            Path candidate = directory.resolve(command);
            if (!isExecutableFile(candidate)) {
                continue;
            }
            if (first == null) {
                first = candidate;
                if (shebang(candidate) == null) {
                    break;
                }
            } else if (shebang(candidate) == null) {
                return Optional.of(describe(command, first, candidate));
            }
        }
        return first == null ? Optional.empty() : Optional.of(describe(command, first, null));
    }

    /** Resolves every distinct command of {@code tools}; missing ones map to empty. */
    public Map<String, Optional<ResolvedTool>> resolveAll(List<Tool> tools) throws IOException {
        Map<String, Optional<ResolvedTool>> found = new LinkedHashMap<>();
        for (Tool tool : tools) {
            if (!found.containsKey(tool.command())) {
                found.put(tool.command(), resolve(tool.command()));
            }
        }
        return found;
    }

    private static boolean isExecutableFile(Path file) {
        return Files.isRegularFile(file) && Files.isExecutable(file);
    }

    private static ResolvedTool describe(String command, Path file, Path binaryLater) throws IOException {
        return new ResolvedTool(command, file, file.toRealPath(), shebang(file), binaryLater);
    }

    /** The {@code #!} line of a script, or {@code null} for anything else. */
    static String shebang(Path file) throws IOException {
        byte[] head = new byte[128];
        int count;
        try (InputStream in = Files.newInputStream(file)) {
            count = in.readNBytes(head, 0, head.length);
        }
        if (count < 2 || head[0] != '#' || head[1] != '!') {
            return null;
        }
        String line = new String(head, 0, count, StandardCharsets.ISO_8859_1);
        int end = line.indexOf('\n');
        return (end < 0 ? line : line.substring(0, end)).trim();
    }
}
