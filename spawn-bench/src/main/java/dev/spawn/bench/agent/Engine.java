package dev.spawn.bench.agent;

import dev.spawn.Backend;
import java.util.Locale;

/**
 * What runs the calls: one of the library's backends in worker JVMs, or the C reference driver
 * ({@code agent-driver}, built from src-c) in worker processes with no JVM: {@code c} spawns through
 * the shim's own userspace path (what this machine can do with the native code USERSPACE calls),
 * {@code c-kernel} through the RFC's {@code spawn_template_spawn} (what the kernel path gives with
 * no JVM), {@code c-posix} through glibc's {@code posix_spawnp} (what a C runtime would do).
 */
public enum Engine {
    PROCESS_BUILDER("processbuilder", Backend.PROCESS_BUILDER, null),
    USERSPACE("userspace", Backend.USERSPACE, null),
    KERNEL("kernel", Backend.KERNEL_TEMPLATE, null),
    C("c", null, "shim"),
    C_KERNEL("c-kernel", null, "kernel"),
    C_POSIX("c-posix", null, "posix");

    private final String label;
    private final Backend backend;
    private final String driverMode;

    Engine(String label, Backend backend, String driverMode) {
        this.label = label;
        this.backend = backend;
        this.driverMode = driverMode;
    }

    /** The name on the command line and in reports, e.g. {@code userspace} or {@code c}. */
    public String label() {
        return label;
    }

    /** The library backend the worker JVMs are forced to; {@code null} for the C driver. */
    public Backend backend() {
        return backend;
    }

    /** Whether this is the C reference driver rather than worker JVMs. */
    public boolean isC() {
        return driverMode != null;
    }

    /** The driver's {@code --mode}; {@code null} for a library backend. */
    public String driverMode() {
        return driverMode;
    }

    /** The engine for a library backend. */
    public static Engine of(Backend backend) {
        for (Engine engine : values()) {
            if (engine.backend == backend) {
                return engine;
            }
        }
        throw new IllegalArgumentException("no engine for " + backend);
    }

    /**
     * The engine named {@code text}: {@code processbuilder}, {@code userspace}, {@code kernel}, {@code c}
     * (also {@code c-reference}), {@code c-kernel} or {@code c-posix}.
     *
     * @throws IllegalArgumentException listing the names
     */
    public static Engine fromLabel(String text) {
        String name = text.trim().toLowerCase(Locale.ROOT);
        if (name.equals("c-reference")) {
            return C;
        }
        for (Engine engine : values()) {
            if (engine.label.equals(name)) {
                return engine;
            }
        }
        try {
            return of(Backend.fromPropertyName(name));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown backend \"" + text
                    + "\": processbuilder, userspace, kernel, c (the C driver on the shim's spawn), c-kernel"
                    + " (on spawn_template_spawn) or c-posix", e);
        }
    }

    @Override
    public String toString() {
        return label;
    }
}
