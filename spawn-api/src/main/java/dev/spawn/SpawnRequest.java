package dev.spawn;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What to spawn from a {@link SpawnTemplate}: argv, environment, working directory, standard
 * streams, low-level actions. Immutable; build one with {@link #builder(String...)}.
 *
 * <p>The child's setup runs in this order: standard streams, working directory, then
 * {@link #actions()}, so an action can override what the conveniences set up. Unless
 * {@link #inheritFds()} is set, every fd above 2 is closed at exec but those the actions install.
 *
 * <p>The {@linkplain ChildOption child options} (new session or process group, parent-death
 * signal, reset of every signal disposition) run before all of that, right after the child
 * exists; a backend that cannot apply one hands the request to the next backend that can.
 */
public final class SpawnRequest {
    /**
     * The most actions one spawn may carry, as the kernel allows. The native backends add their
     * own to a request's (a signal mask, one per standard stream, the working directory, and the
     * closing of fds around those the request's actions install): a spawn whose total exceeds
     * this throws {@link IllegalArgumentException} saying how many were added.
     */
    public static final int MAX_ACTIONS = 256;
    /** {@link #processGroup()} when the child stays in the caller's process group. */
    public static final long SAME_GROUP = -1;

    private final List<String> args;
    private final Map<String, String> environment;
    private final Path directory;
    private final Stdio stdin;
    private final Stdio stdout;
    private final Stdio stderr;
    private final List<SpawnAction> actions;
    private final boolean inheritFds;
    private final boolean newSession;
    private final long processGroup;
    private final int parentDeathSignal;
    private final boolean resetSignals;

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
        this.newSession = builder.newSession;
        this.processGroup = builder.processGroup;
        this.parentDeathSignal = builder.parentDeathSignal;
        this.resetSignals = builder.resetSignals;
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
                .actions(actions).inheritFds(inheritFds).parentDeathSignal(parentDeathSignal)
                .resetSignals(resetSignals);
        if (newSession) {
            builder.newSession();
        } else if (processGroup == 0) {
            builder.newProcessGroup();
        } else if (processGroup > 0) {
            builder.joinProcessGroup(processGroup);
        }
        if (environment != null) {
            builder.environment(environment);
        }
        return builder;
    }

    /** argv, {@code argv[0]} first; never empty. */
    public List<String> args() {
        return args;
    }

    /**
     * The child's whole environment, or {@code null} for the caller's: the process's environment
     * as it is at the spawn, with what native code changed since the JVM started.
     */
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

    /**
     * Whether fds above 2 that are not close-on-exec stay open in the child; when false, only
     * those the {@link #actions()} install do.
     */
    public boolean inheritFds() {
        return inheritFds;
    }

    /** Whether the child calls {@code setsid()} and leads a new session and process group. */
    public boolean newSession() {
        return newSession;
    }

    /**
     * The process group the child joins with {@code setpgid(0, pgid)}: {@link #SAME_GROUP} (-1,
     * the default) keeps the caller's, 0 is a new group led by the child, anything else an
     * existing group. With {@link #newSession()} it is -1: the session's group is the child's own.
     */
    public long processGroup() {
        return processGroup;
    }

    /** The signal the child gets when the thread that spawned it exits, or 0 for none. */
    public int parentDeathSignal() {
        return parentDeathSignal;
    }

    /** Whether every signal disposition, ignored signals included, is reset to {@code SIG_DFL}. */
    public boolean resetSignals() {
        return resetSignals;
    }

    /** The child options this request needs, for backends and the fallback rule. */
    public Set<ChildOption> childOptions() {
        EnumSet<ChildOption> options = EnumSet.noneOf(ChildOption.class);
        if (newSession) {
            options.add(ChildOption.NEW_SESSION);
        }
        if (processGroup >= 0) {
            options.add(ChildOption.PROCESS_GROUP);
        }
        if (parentDeathSignal != 0) {
            options.add(ChildOption.PARENT_DEATH_SIGNAL);
        }
        if (resetSignals) {
            options.add(ChildOption.RESET_SIGNALS);
        }
        return Collections.unmodifiableSet(options);
    }

    @Override
    public String toString() {
        return "SpawnRequest" + args + (directory == null ? "" : " in " + directory)
                + " stdin=" + stdin + " stdout=" + stdout + " stderr=" + stderr
                + (actions.isEmpty() ? "" : " actions=" + actions) + (inheritFds ? " inheritFds" : "")
                + (newSession ? " setsid" : "") + (processGroup >= 0 ? " setpgid(0, " + processGroup + ")" : "")
                + (parentDeathSignal != 0 ? " pdeathsig=" + parentDeathSignal : "")
                + (resetSignals ? " resetSignals" : "");
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
        private boolean newSession;
        private long processGroup = SAME_GROUP;
        private int parentDeathSignal;
        private boolean resetSignals;

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

        /** Passes the caller's environment as it is at the spawn (the default). */
        public Builder inheritEnvironment() {
            this.environment = null;
            return this;
        }

        /**
         * The child's working directory; {@code null} keeps the caller's.
         *
         * @throws IllegalArgumentException when it is not on the default file system or contains NUL
         */
        public Builder directory(Path directory) {
            this.directory = directory == null ? null : Checks.localPath("directory", directory);
            return this;
        }

        /** fd 0; READ_FILE, PIPE, INHERIT, DISCARD or UPSTREAM. */
        public Builder stdin(Stdio stdin) {
            Stdio.Kind kind = Objects.requireNonNull(stdin, "stdin").kind();
            if (kind == Stdio.Kind.WRITE_FILE || kind == Stdio.Kind.APPEND_FILE || kind == Stdio.Kind.STDOUT) {
                throw new IllegalArgumentException("stdin cannot be " + stdin);
            }
            this.stdin = stdin;
            return this;
        }

        /** fd 1; anything but READ_FILE, STDOUT and UPSTREAM. */
        public Builder stdout(Stdio stdout) {
            Stdio.Kind kind = Objects.requireNonNull(stdout, "stdout").kind();
            if (kind == Stdio.Kind.READ_FILE || kind == Stdio.Kind.STDOUT || kind == Stdio.Kind.UPSTREAM) {
                throw new IllegalArgumentException("stdout cannot be " + stdout);
            }
            this.stdout = stdout;
            return this;
        }

        /** fd 2; anything but READ_FILE and UPSTREAM. */
        public Builder stderr(Stdio stderr) {
            Stdio.Kind kind = Objects.requireNonNull(stderr, "stderr").kind();
            if (kind == Stdio.Kind.READ_FILE || kind == Stdio.Kind.UPSTREAM) {
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

        /**
         * Whether fds above 2 that are not close-on-exec stay open in the child. By default
         * (false) every fd above 2 is closed before exec except those the request's
         * {@linkplain #action actions} install ({@code dup2} or {@code open} to a {@code newfd}
         * above 2).
         */
        public Builder inheritFds(boolean inheritFds) {
            this.inheritFds = inheritFds;
            return this;
        }

        /**
         * The child calls {@code setsid()}: it leads a new session and a new process group whose
         * id is its pid, and has no controlling terminal. Replaces any process group setting.
         */
        public Builder newSession() {
            this.newSession = true;
            this.processGroup = SAME_GROUP;
            return this;
        }

        /**
         * The child calls {@code setpgid(0, 0)}: it leads a new process group whose id is its pid,
         * in the caller's session, so {@code kill(-pid, sig)} reaches it and everything it starts
         * that stays in the group. Replaces any session or group setting.
         */
        public Builder newProcessGroup() {
            this.newSession = false;
            this.processGroup = 0;
            return this;
        }

        /**
         * The child calls {@code setpgid(0, pgid)} and joins that existing group of the caller's
         * session; a group that does not exist fails the spawn with EPERM. Replaces any session
         * or group setting.
         */
        public Builder joinProcessGroup(long pgid) {
            if (pgid <= 1 || pgid > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("process group " + pgid + " is not a pid above 1");
            }
            this.newSession = false;
            this.processGroup = pgid;
            return this;
        }

        /** The child stays in the caller's session and process group (the default). */
        public Builder sameProcessGroup() {
            this.newSession = false;
            this.processGroup = SAME_GROUP;
            return this;
        }

        /**
         * {@code prctl(PR_SET_PDEATHSIG, signal)} in the child; 0 (the default) sets none.
         *
         * <p>Linux sends the signal when the child's parent <em>thread</em> exits, not when the
         * parent process does (prctl(2)); a child spawned from a pool thread that retires would
         * be killed while the JVM lives on. So the native backend makes such spawns on its own
         * threads, which live as long as the JVM: the signal comes when the JVM dies, however
         * it dies. A parent that died before the setting took effect is caught in the child
         * (its parent pid changed) and the child exits before exec. The setting is cleared by
         * exec of a set-user-ID, set-group-ID or file-capability program, and is not inherited
         * by the child's own children: combine it with a process group to reach those.
         */
        public Builder parentDeathSignal(int signal) {
            if (signal < 0 || signal > SignalSet.MAX_SIGNAL) {
                throw new IllegalArgumentException("parent-death signal " + signal + " is outside 0.."
                        + SignalSet.MAX_SIGNAL);
            }
            this.parentDeathSignal = signal;
            return this;
        }

        /**
         * Whether every signal disposition is reset to {@code SIG_DFL} before exec (default
         * false, as ProcessBuilder, whose children keep the signals the JVM ignores ignored).
         * Handled signals are always reset by exec itself; the mask is emptied by default.
         */
        public Builder resetSignals(boolean resetSignals) {
            this.resetSignals = resetSignals;
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
