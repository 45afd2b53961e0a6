package dev.spawn;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One run of a tool as agent runtimes run them: argv, an explicit environment, stdin from bytes
 * or {@code /dev/null}, a timeout, capped output, a drain window after the child exits, and a
 * kill policy for the child's whole process group. Immutable; build one with
 * {@link #builder(String...)} and run it with {@link SpawnTemplate#call(ToolCall)} or
 * {@link SpawnTemplate#callAsync(ToolCall)}.
 *
 * <pre>{@code
 * ToolCall call = ToolCall.builder("rg", "-n", "TODO")
 *         .directory(repo)
 *         .environment(Map.of("PATH", "/usr/bin:/bin"))
 *         .timeout(Duration.ofSeconds(10))
 *         .build();
 * ToolResult result = rg.call(call);
 * }</pre>
 *
 * <p>What happens, in order: the child is spawned (by default in its own process group, with
 * {@code SIGKILL} as its parent-death signal, every signal disposition reset and an empty mask);
 * stdout and stderr are read by the backend's event loop, keeping the first
 * {@link #stdoutCap()}/{@link #stderrCap()} bytes and counting (and discarding) the rest, so the
 * child never blocks on a full pipe; when the child exits, the call waits for the pipes to
 * close (a background descendant may hold them open forever) until {@link #drainTimeout()}
 * after the exit or the {@link #timeout()}, whichever comes first; if the child still runs at
 * the timeout, the {@link #killPolicy()} runs (see {@link Builder#timeout(Duration)}). When the
 * call ends, whatever is left of the child's process group is sent {@code SIGKILL} (unless
 * {@link #killGroupWhenDone()} is false), and only then is the child reaped: its zombie keeps
 * the group id reserved, so the group signal cannot reach an unrelated group that reused the
 * number. For the same reason, when the kill policy's grace period is still running at the end
 * of a call whose group is not killed then, the child is reaped only when it ends: the call has
 * returned by then, with the child still a zombie.
 *
 * <p>When the JVM exits while calls are in flight, a shutdown hook (registered with the first
 * such call) sends {@code SIGKILL} to the child and its whole group of every call whose group
 * the call's end would kill: one with a group of its own and {@link #killGroupWhenDone()}. The
 * hook runs at every exit that runs shutdown hooks: main returns, {@code System.exit}, and
 * {@code SIGTERM}, {@code SIGINT} or {@code SIGHUP} with the JVM's own handlers. Other calls,
 * and every call of a JVM killed by {@code SIGKILL} or one that crashes, are left to the
 * child's parent-death signal, which reaches the child alone.
 *
 * <p>The hook runs alongside the application's own shutdown hooks (Java starts them all at once,
 * in no order): a hook of yours that waits for a call in flight, as a graceful shutdown does,
 * sees it killed ({@link ToolResult#signal()} 9) unless the system property
 * {@code spawn.toolCall.killGroupsAtExit} is {@code false}. Then the hook kills nothing, and
 * ending your calls is yours, for instance with {@link Builder#timeout(Duration) timeouts}: at
 * the exit, a call's child still gets its parent-death signal, but its group lives on. The
 * property is read once, when the first call the hook would cover starts; it takes
 * {@code true} or {@code false} in any case, unset or blank is {@code true}, and any other
 * value is logged as a warning and taken as {@code true}. A call that starts once the hook has
 * run (from a shutdown hook of yours, say) is not killed by it; one that a hook of yours starts
 * at the moment the JVM begins to exit may or may not be, as the two hooks race.
 */
public final class ToolCall {
    /** The longest timeout or drain window: deadlines are kept in nanoseconds of System.nanoTime(). */
    public static final Duration LONGEST = Duration.ofDays(365);

    /** Which process group the child gets. */
    public enum Group {
        /** A new process group led by the child ({@code setpgid(0, 0)}), in the caller's session. */
        OWN_GROUP,
        /** A new session and group led by the child ({@code setsid()}): no controlling terminal. */
        NEW_SESSION,
        /**
         * The caller's group: only the child itself can be signalled, also when the JVM exits
         * (its parent-death signal); what the child starts is not reached.
         */
        CALLER
    }

    /** The default output cap per stream: 1 MiB. */
    public static final long DEFAULT_CAP = 1 << 20;
    /** The default drain window after the child exits: 2 s. */
    public static final Duration DEFAULT_DRAIN = Duration.ofSeconds(2);

    private final List<String> args;
    private final Path directory;
    private final Map<String, String> environment;
    private final byte[] stdin;
    private final Duration timeout;
    private final long stdoutCap;
    private final long stderrCap;
    private final Duration drainTimeout;
    private final KillPolicy killPolicy;
    private final Group group;
    private final int parentDeathSignal;
    private final boolean killGroupWhenDone;

    private ToolCall(Builder b) {
        this.args = List.copyOf(b.args);
        this.directory = b.directory;
        this.environment = b.environment == null ? null : Map.copyOf(b.environment);
        // the builder's array is its own copy and is never written, only replaced
        this.stdin = b.stdin;
        this.timeout = b.timeout;
        this.stdoutCap = b.stdoutCap;
        this.stderrCap = b.stderrCap;
        this.drainTimeout = b.drainTimeout;
        this.killPolicy = b.killPolicy;
        this.group = b.group;
        this.parentDeathSignal = b.parentDeathSignal;
        this.killGroupWhenDone = b.killGroupWhenDone;
    }

    /** A builder whose argv is {@code args} ({@code args[0]} is the child's argv[0]). */
    public static Builder builder(String... args) {
        return new Builder().args(List.of(args));
    }

    /** argv, argv[0] first. */
    public List<String> args() {
        return args;
    }

    /** The working directory, or {@code null} for the caller's. */
    public Path directory() {
        return directory;
    }

    /** The child's whole environment, or {@code null} when it inherits the caller's. */
    public Map<String, String> environment() {
        return environment;
    }

    /** The bytes written to the child's stdin, or {@code null} for {@code /dev/null}. */
    public byte[] stdin() {
        return stdin == null ? null : stdin.clone();
    }

    /** The time limit from the spawn, or {@code null} for none; see {@link Builder#timeout(Duration)}. */
    public Duration timeout() {
        return timeout;
    }

    /** The most stdout bytes kept. */
    public long stdoutCap() {
        return stdoutCap;
    }

    /** The most stderr bytes kept. */
    public long stderrCap() {
        return stderrCap;
    }

    /** How long the pipes may stay open after the child exited, within the timeout. */
    public Duration drainTimeout() {
        return drainTimeout;
    }

    /** How the child (and its group) is ended on timeout or cancellation. */
    public KillPolicy killPolicy() {
        return killPolicy;
    }

    /** The child's process group. */
    public Group group() {
        return group;
    }

    /** The child's parent-death signal, or 0 for none. */
    public int parentDeathSignal() {
        return parentDeathSignal;
    }

    /** Whether what is left of the child's group is sent SIGKILL when the call ends. */
    public boolean killGroupWhenDone() {
        return killGroupWhenDone;
    }

    /** Whether the kill policy and the final kill reach a process group, not just the child. */
    public boolean signalsGroup() {
        return group != Group.CALLER;
    }

    /**
     * The spawn request this call makes: stdin a pipe (bytes) or {@code /dev/null}, stdout and
     * stderr pipes, the group, the parent-death signal, and every signal disposition reset.
     */
    public SpawnRequest toRequest() {
        SpawnRequest.Builder request = SpawnRequest.builder().args(args).directory(directory)
                .stdin(stdin == null ? Stdio.discard() : Stdio.pipe()).stdout(Stdio.pipe()).stderr(Stdio.pipe())
                .parentDeathSignal(parentDeathSignal).resetSignals(true);
        if (environment != null) {
            request.environment(environment);
        }
        switch (group) {
            case OWN_GROUP:
                request.newProcessGroup();
                break;
            case NEW_SESSION:
                request.newSession();
                break;
            default:
                break;
        }
        return request.build();
    }

    @Override
    public String toString() {
        return "ToolCall" + args + (directory == null ? "" : " in " + directory) + " timeout=" + timeout
                + " caps=" + stdoutCap + "/" + stderrCap + " drain=" + drainTimeout + " " + killPolicy + " " + group
                + (parentDeathSignal == 0 ? "" : " pdeathsig=" + parentDeathSignal);
    }

    /** Builds a {@link ToolCall}; not thread-safe. */
    public static final class Builder {
        private List<String> args = List.of();
        private Path directory;
        private Map<String, String> environment = Map.of();
        private byte[] stdin;
        private Duration timeout;
        private long stdoutCap = DEFAULT_CAP;
        private long stderrCap = DEFAULT_CAP;
        private Duration drainTimeout = DEFAULT_DRAIN;
        private KillPolicy killPolicy = KillPolicy.DEFAULT;
        private Group group = Group.OWN_GROUP;
        private int parentDeathSignal = KillPolicy.SIGKILL;
        private boolean killGroupWhenDone = true;

        private Builder() {
        }

        /** Replaces argv; argv[0] is required. */
        public Builder args(List<String> args) {
            if (args.isEmpty()) {
                throw new IllegalArgumentException("argv is empty: argv[0] is required");
            }
            SpawnRequest.builder().args(args);
            this.args = List.copyOf(args);
            return this;
        }

        /**
         * The working directory; {@code null} keeps the caller's.
         *
         * @throws IllegalArgumentException as {@link SpawnRequest.Builder#directory(Path)}: the
         *     path is not on the default file system, or contains NUL
         */
        public Builder directory(Path directory) {
            this.directory = directory == null ? null : Checks.localPath("directory", directory);
            return this;
        }

        /**
         * The child's whole environment (the default is empty: nothing of the caller's is
         * passed unless it is in {@code env}).
         */
        public Builder environment(Map<String, String> env) {
            SpawnRequest.builder("x").environment(env);
            this.environment = Map.copyOf(env);
            return this;
        }

        /** Passes a copy of the caller's environment instead of an explicit one. */
        public Builder inheritEnvironment() {
            this.environment = null;
            return this;
        }

        /**
         * Bytes for the child's stdin, written by the event loop as they are taken, until the
         * call ends: after the child's exit, a descendant that inherited stdin still gets them
         * while the output pipes drain (one that holds stdin alone does not keep the call
         * open); {@code null} is {@code /dev/null} (the default).
         */
        public Builder stdin(byte[] bytes) {
            this.stdin = bytes == null ? null : bytes.clone();
            return this;
        }

        /**
         * The time limit from the spawn; {@code null} (the default) is none. What it ends:
         * <ul>
         * <li>the child still runs: the kill policy runs (to the child's group, if it has one,
         *     and to the child), and the call ends once the child has exited and its pipes are
         *     closed, or the drain timeout after its exit. So the call lasts at most the timeout,
         *     plus the policy's grace if the child ignores the first signal, plus the drain
         *     timeout if something the group signal cannot reach (a process that left the group,
         *     any descendant in {@link Group#CALLER}) holds the pipes;
         * <li>the child has exited but a descendant holds its pipes: the drain ends at once,
         *     with {@link ToolResult#drainTimedOut()}, and the kill policy is sent to the child's
         *     group, if it has one (in {@link Group#CALLER} nothing is signalled). Its first
         *     signal is followed at once by the final {@code SIGKILL} unless
         *     {@link #killGroupWhenDone(boolean)} is false.
         * </ul>
         * Either way the result is {@link ToolResult#timedOut()}; a call that ended before the
         * timeout is not.
         */
        public Builder timeout(Duration timeout) {
            if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
                throw new IllegalArgumentException("timeout " + timeout + " is not positive");
            }
            if (timeout != null && timeout.compareTo(LONGEST) > 0) {
                throw new IllegalArgumentException("timeout " + timeout + " is above " + LONGEST
                        + ": for no timeout, pass null");
            }
            this.timeout = timeout;
            return this;
        }

        /** The most bytes kept of stdout and of stderr each (default 1 MiB). */
        public Builder outputCap(long bytes) {
            return stdoutCap(bytes).stderrCap(bytes);
        }

        /** The most stdout bytes kept (default 1 MiB); the rest is read, counted and dropped. */
        public Builder stdoutCap(long bytes) {
            this.stdoutCap = cap("stdout", bytes);
            return this;
        }

        /** The most stderr bytes kept (default 1 MiB); the rest is read, counted and dropped. */
        public Builder stderrCap(long bytes) {
            this.stderrCap = cap("stderr", bytes);
            return this;
        }

        private static long cap(String name, long bytes) {
            if (bytes < 0 || bytes > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException(name + " cap " + bytes + " is outside 0.." + (Integer.MAX_VALUE - 8));
            }
            return bytes;
        }

        /**
         * How long the pipes may stay open after the child exited (default 2 s; zero: not at
         * all); the timeout, if earlier, ends the drain first.
         */
        public Builder drainTimeout(Duration drain) {
            if (Objects.requireNonNull(drain, "drain").isNegative() || drain.compareTo(LONGEST) > 0) {
                throw new IllegalArgumentException("drain timeout " + drain + " is negative or above " + LONGEST);
            }
            this.drainTimeout = drain;
            return this;
        }

        /** How the child (and its group) is ended on timeout or cancellation (default SIGTERM, SIGKILL 200 ms later). */
        public Builder killPolicy(KillPolicy policy) {
            this.killPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** The child's process group (default {@link Group#OWN_GROUP}). */
        public Builder group(Group group) {
            this.group = Objects.requireNonNull(group, "group");
            return this;
        }

        /** The child's parent-death signal (default SIGKILL; 0 for none); see {@link SpawnRequest.Builder#parentDeathSignal(int)}. */
        public Builder parentDeathSignal(int signal) {
            SpawnRequest.builder("x").parentDeathSignal(signal);
            this.parentDeathSignal = signal;
            return this;
        }

        /**
         * Whether what is left of the group gets SIGKILL when the call ends (default true). With
         * false the group also outlives a JVM that exits while the call is in flight; the child
         * itself still gets its parent-death signal, if it has one.
         */
        public Builder killGroupWhenDone(boolean kill) {
            this.killGroupWhenDone = kill;
            return this;
        }

        /** The call. */
        public ToolCall build() {
            return new ToolCall(this);
        }
    }
}
