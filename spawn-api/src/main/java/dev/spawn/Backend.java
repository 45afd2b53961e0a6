package dev.spawn;

import java.util.Locale;

/**
 * The ways spawn can start a program, in the order it prefers them.
 *
 * <p>Select one explicitly with {@code -Dspawn.backend=kernel|userspace|processbuilder}.
 */
public enum Backend {
    /** The RFC's {@code spawn_template_create}/{@code spawn_template_spawn} syscalls. */
    KERNEL_TEMPLATE("kernel"),
    /** {@code clone(CLONE_VM|CLONE_VFORK|CLONE_PIDFD)} and {@code execveat} on a held fd, in the native shim. */
    USERSPACE("userspace"),
    /** {@link java.lang.ProcessBuilder}: pure Java, works wherever the JDK does. */
    PROCESS_BUILDER("processbuilder");

    private final String propertyName;

    Backend(String propertyName) {
        this.propertyName = propertyName;
    }

    /** The name used by the {@code spawn.backend} system property. */
    public String propertyName() {
        return propertyName;
    }

    /**
     * Parses a {@code spawn.backend} value.
     *
     * @throws IllegalArgumentException naming the accepted values when {@code name} is none of them
     */
    public static Backend fromPropertyName(String name) {
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        for (Backend backend : values()) {
            if (backend.propertyName.equals(wanted) || backend.name().equalsIgnoreCase(wanted)) {
                return backend;
            }
        }
        throw new IllegalArgumentException(
                "spawn.backend=" + name + " is not one of kernel, userspace, processbuilder");
    }
}
