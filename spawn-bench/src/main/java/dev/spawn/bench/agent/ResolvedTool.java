package dev.spawn.bench.agent;

import java.io.IOException;
import java.nio.file.Path;

/**
 * An executable found for a command: the absolute path spawned (what PATH gave), where its
 * symlinks lead, and, when it is a script, its {@code #!} line (a shim such as pyenv's costs an
 * interpreter start per call before the real tool even starts). {@code skippedShim} is the script
 * found first on PATH when the runner went past it to this binary.
 */
public record ResolvedTool(String command, Path path, Path realPath, String shebang, Path binaryLaterOnPath,
        Path skippedShim) {

    public ResolvedTool(String command, Path path, Path realPath, String shebang, Path binaryLaterOnPath) {
        this(command, path, realPath, shebang, binaryLaterOnPath, null);
    }

    /** Whether the file is a {@code #!} script rather than a binary. */
    public boolean script() {
        return shebang != null;
    }

    /** The binary later on PATH in place of this shim, naming the shim; this tool when there is none. */
    public ResolvedTool pastShim() throws IOException {
        if (!script() || binaryLaterOnPath == null) {
            return this;
        }
        return new ResolvedTool(command, binaryLaterOnPath, binaryLaterOnPath.toRealPath(),
                ToolResolver.shebang(binaryLaterOnPath), null, path);
    }

    /** One line for the report: the path, where it leads, and a warning for scripts. */
    public String describe() {
        StringBuilder text = new StringBuilder(command).append(" -> ").append(path);
        if (!realPath.equals(path)) {
            text.append(" (-> ").append(realPath).append(')');
        }
        if (skippedShim != null) {
            text.append("  [went past the #! shim ").append(skippedShim)
                    .append(" found first on PATH; --keep-shims runs the shim]");
        }
        if (script()) {
            text.append("  [SCRIPT ").append(shebang)
                    .append(": a shim or wrapper; every call starts that interpreter first");
            if (binaryLaterOnPath != null) {
                text.append("; a binary is at ").append(binaryLaterOnPath).append(", use --tool ").append(command)
                        .append('=').append(binaryLaterOnPath).append(" to measure without the shim");
            }
            text.append(']');
        }
        return text.toString();
    }
}
