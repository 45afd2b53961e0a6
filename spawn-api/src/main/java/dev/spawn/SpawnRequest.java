package dev.spawn;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What to spawn from a {@link SpawnTemplate}: argv, environment, working directory, standard
 * streams, low-level actions. Immutable; build one with {@link #builder(String...)}.
 *
 * <p>The child's setup runs in this order: standard streams, working directory, then
 * {@link #actions()}, so an action can override what the conveniences set up. Unless
 * {@link #inheritFds()} is set, every fd above 2 is closed at exec.
 */
public final class SpawnRequest {
    /** The most actions one spawn may carry, as the kernel allows. */
    public static final int MAX_ACTIONS = 256;

    private final List<String> args;
    private final Map<String, String> environment;
    private final Path directory;
    private final Stdio stdin;
    private final Stdio stdout;
    private final Stdio stderr;
    private final List<SpawnAction> actions;
    private final boolean inheritFds;

    private SpawnRequest(Builder builder) {
        this.args = List.copyOf(builder.args);
        this.environment = builder.environment == null ? null
                : Collections.unmodifiableMap(new LinkedHashMap<>(builder.environment));
        this.directory = builder.directory;
        this.stdin = builder.stdin;
        this.stdout = builder.stdout;
        this.stderr = builder.stderr;
        this.actions = List.copyOf(builder.actions);
        this.inheritFds = builder.inheritFds;
    }

    /**
     * A builder whose argv is {@code args}; {@code args[0]} is the child's {@code argv[0]}, not
     * the program, which is the template's.
     */
    public static Builder builder(String... args) {
        Builder builder = new Builder();
        return args.length == 0 ? builder : builder.args(args);
    }

    /** A builder with this request's settings. */
    public Builder toBuilder() {
        Builder builder = new Builder().args(args).directory(directory).stdin(stdin).stdout(stdout).stderr(stderr)
                .actions(actions).inheritFds(inheritFds);
        if (environment != null) {
            builder.environment(environment);
        }
        return builder;
    }

    /** argv, {@code argv[0]} first; never empty. */
    public List<String> args() {
        return args;
    }

    /** The child's whole environment, or {@code null} for a copy of the caller's. */
    public Map<String, String> environment() {
        return environment;
    }

    /** The child's working directory, or {@code null} for the caller's. */
    public Path directory() {
        return directory;
    }

    /** The child's fd 0. */
    public Stdio stdin() {
        return stdin;
    }

    /** The child's fd 1. */
    public Stdio stdout() {
        return stdout;
    }

    /** The child's fd 2. */
    public Stdio stderr() {
        return stderr;
    }

    /** Low-level actions, run in order after the standard streams and the working directory. */
    public List<SpawnAction> actions() {
        return actions;
    }

    /** Whether fds above 2 that are not close-on-exec stay open in the child. */
    public boolean inheritFds() {
        return inheritFds;
    }

    @Override
    public String toString() {
        return "SpawnRequest" + args + (directory == null ? "" : " in " + directory)
                + " stdin=" + stdin + " stdout=" + stdout + " stderr=" + stderr
                + (actions.isEmpty() ? "" : " actions=" + actions) + (inheritFds ? " inheritFds" : "");
    }

    /** Builds a {@link SpawnRequest}; not thread-safe. */
    public static final class Builder {
        private final List<String> args = new ArrayList<>();
        private Map<String, String> environment;
        private Path directory;
        private Stdio stdin = Stdio.pipe();
        private Stdio stdout = Stdio.pipe();
        private Stdio stderr = Stdio.pipe();
        private final List<SpawnAction> actions = new ArrayList<>();
        private boolean inheritFds;

        private Builder() {
        }

        /** Replaces argv. */
        public Builder args(String... args) {
            return args(List.of(args));
        }

        /** Replaces argv. */
        public Builder args(List<String> args) {
            if (args.isEmpty()) {
                throw new IllegalArgumentException("argv is empty: argv[0] is required");
            }
            for (int i = 0; i < args.size(); i++) {
                String arg = Objects.requireNonNull(args.get(i), "argv[" + i + "]");
                Checks.noNul("argv[" + i + "]", arg);
            }
            this.args.clear();
            this.args.addAll(args);
            return this;
        }

        /** The child's whole environment: nothing of the caller's is passed unless it is in {@code env}. */
        public Builder environment(Map<String, String> env) {
            for (Map.Entry<String, String> entry : env.entrySet()) {
                String name = Objects.requireNonNull(entry.getKey(), "environment name");
                String value = Objects.requireNonNull(entry.getValue(), "environment value of " + name);
                if (name.isEmpty() || name.indexOf('=') >= 0) {
                    throw new IllegalArgumentException("environment name \"" + name + "\" is empty or contains '='");
                }
                Checks.noNul("environment name", name);
                Checks.noNul("environment value of " + name, value);
            }
            this.environment = new LinkedHashMap<>(env);
            return this;
        }

        /** Passes a copy of the caller's environment (the default). */
        public Builder inheritEnvironment() {
            this.environment = null;
            return this;
        }

        /** The child's working directory; {@code null} keeps the caller's. */
        public Builder directory(Path directory) {
            if (directory != null) {
                Checks.noNul("directory", directory.toString());
            }
            this.directory = directory;
            return this;
        }

        /** fd 0; READ_FILE, PIPE, INHERIT or DISCARD. */
        public Builder stdin(Stdio stdin) {
            Stdio.Kind kind = Objects.requireNonNull(stdin, "stdin").kind();
            if (kind == Stdio.Kind.WRITE_FILE || kind == Stdio.Kind.APPEND_FILE || kind == Stdio.Kind.STDOUT) {
                throw new IllegalArgumentException("stdin cannot be " + stdin);
            }
            this.stdin = stdin;
            return this;
        }

        /** fd 1; anything but READ_FILE and STDOUT. */
        public Builder stdout(Stdio stdout) {
            Stdio.Kind kind = Objects.requireNonNull(stdout, "stdout").kind();
            if (kind == Stdio.Kind.READ_FILE || kind == Stdio.Kind.STDOUT) {
                throw new IllegalArgumentException("stdout cannot be " + stdout);
            }
            this.stdout = stdout;
            return this;
        }

        /** fd 2; anything but READ_FILE. */
        public Builder stderr(Stdio stderr) {
            if (Objects.requireNonNull(stderr, "stderr").kind() == Stdio.Kind.READ_FILE) {
                throw new IllegalArgumentException("stderr cannot be " + stderr);
            }
            this.stderr = stderr;
            return this;
        }

        /** All three standard streams from the caller's, as {@code inheritIO()}. */
        public Builder inheritIO() {
            return stdin(Stdio.inherit()).stdout(Stdio.inherit()).stderr(Stdio.inherit());
        }

        /** Replaces the actions. */
        public Builder actions(List<SpawnAction> actions) {
            if (actions.size() > MAX_ACTIONS) {
                throw new IllegalArgumentException(actions.size() + " actions: at most " + MAX_ACTIONS + " are allowed");
            }
            for (int i = 0; i < actions.size(); i++) {
                Objects.requireNonNull(actions.get(i), "action #" + i);
            }
            this.actions.clear();
            this.actions.addAll(actions);
            return this;
        }

        /** Appends actions. */
        public Builder action(SpawnAction... more) {
            List<SpawnAction> all = new ArrayList<>(actions);
            all.addAll(List.of(more));
            return actions(all);
        }

        /** Whether fds above 2 that are not close-on-exec stay open in the child (default false). */
        public Builder inheritFds(boolean inheritFds) {
            this.inheritFds = inheritFds;
            return this;
        }

        /** The request. */
        public SpawnRequest build() {
            if (args.isEmpty()) {
                throw new IllegalArgumentException("argv is empty: argv[0] is required");
            }
            return new SpawnRequest(this);
        }
    }
}
