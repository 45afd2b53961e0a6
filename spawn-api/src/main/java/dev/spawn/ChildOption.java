package dev.spawn;

/**
 * Child-side settings beyond the spawn-template RFC's seven actions, set on a
 * {@link SpawnRequest}. Not every backend can apply every option: a request that needs one
 * the template's backend cannot apply is served by the next backend in the chain that can
 * (counted in {@link SpawnStats#fallbacks()}), never with the option silently dropped; when no
 * backend can, the spawn throws {@link UnsupportedOperationException} naming the option.
 *
 * <table>
 * <caption>Which backend applies which option</caption>
 * <tr><th>option</th><th>KERNEL_TEMPLATE</th><th>USERSPACE</th><th>PROCESS_BUILDER</th></tr>
 * <tr><td>{@link #NEW_SESSION}</td><td>no</td><td>yes</td><td>no</td></tr>
 * <tr><td>{@link #PROCESS_GROUP}</td><td>no</td><td>yes</td><td>no</td></tr>
 * <tr><td>{@link #PARENT_DEATH_SIGNAL}</td><td>no</td><td>yes</td><td>no</td></tr>
 * <tr><td>{@link #RESET_SIGNALS}</td><td>yes (a {@code sigdefault} action)</td><td>yes</td><td>no</td></tr>
 * </table>
 */
public enum ChildOption {
    /** {@code setsid()}: a new session and process group, both led by the child. */
    NEW_SESSION("setsid"),
    /** {@code setpgid(0, pgid)}: a new process group led by the child, or an existing one. */
    PROCESS_GROUP("setpgid"),
    /**
     * {@code prctl(PR_SET_PDEATHSIG, sig)}: the child gets a signal when its parent dies. On
     * Linux the "parent" is the thread that spawned it; the native backend spawns such
     * children from threads that live as long as the JVM, see
     * {@link SpawnRequest.Builder#parentDeathSignal(int)}.
     */
    PARENT_DEATH_SIGNAL("pdeathsig"),
    /** Every signal disposition back to {@code SIG_DFL}, ignored ones included. */
    RESET_SIGNALS("sigdefault of every signal");

    private final String call;

    ChildOption(String call) {
        this.call = call;
    }

    /** The system call or step it becomes, as named in messages. */
    public String call() {
        return call;
    }

    @Override
    public String toString() {
        return name() + " (" + call + ")";
    }
}
