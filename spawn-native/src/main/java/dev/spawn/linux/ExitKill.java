package dev.spawn.linux;

import dev.spawn.KillPolicy;
import dev.spawn.ToolCall;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Ends the process groups of the tool calls still in flight when the JVM exits through its
 * shutdown hooks (main returns, {@code System.exit}, SIGTERM, SIGINT, SIGHUP): the parent-death
 * signal reaches only each call's direct child, so its background descendants would live on
 * under init. Only calls {@link #covers covered} are here.
 *
 * <p>A call is here from its start until the loop withdraws it, just before it reaps the child.
 * Withdrawing and the hook's claim are the same atomic removal from one set, so exactly one
 * side owns the pid and pidfd: either the loop (which goes on to reap), or the hook, which
 * signals the group by number while the unreaped leader still reserves it, as ToolRun's own
 * group signals do; the loop then leaves the child and its pidfd to the exiting JVM. The hook
 * waits for no thread (the set's own locks are held for one insert or removal at a time), so a
 * busy or stuck event loop cannot hold up the JVM's exit: it costs two syscalls per call.
 *
 * <p>Not reached: a call that starts after the hook went through the set, and every call when
 * the JVM dies by SIGKILL or a crash, which run no hook. The parent-death signal remains.
 */
final class ExitKill {
    private static final Set<ToolRun> IN_FLIGHT = ConcurrentHashMap.newKeySet();
    private static volatile boolean hooked;

    private ExitKill() {
    }

    /**
     * Whether the JVM's exit kills {@code call}'s group: only a group of its own, and only when
     * the call's end would kill it too. With {@link ToolCall#killGroupWhenDone()} false the
     * caller asked for the group to outlive the call, so it outlives the JVM as well; in
     * {@link ToolCall.Group#CALLER} the only group there is is the JVM's own.
     */
    static boolean covers(ToolCall call) {
        return call.signalsGroup() && call.killGroupWhenDone();
    }

    /**
     * Registers the shutdown hook, once, before the first covered call spawns: once a child
     * exists, nothing may fail before the loop owns it. The hook's thread is created here and
     * started only by the JVM's exit.
     */
    static void hookOnce() {
        if (hooked) {
            return;
        }
        synchronized (ExitKill.class) {
            if (hooked) {
                return;
            }
            Thread hook = new Thread(ExitKill::killAll, "spawn-exit-kill");
            // created on whichever thread makes the first call: do not pin its class loader for good
            hook.setContextClassLoader(null);
            try {
                Runtime.getRuntime().addShutdownHook(hook);
            } catch (IllegalStateException exiting) {
                // the JVM already runs its hooks: no hook can be added any more, and the call's
                // direct child still gets its parent-death signal
            }
            hooked = true;
        }
    }

    /** Puts a started call within the hook's reach. */
    static void add(ToolRun run) {
        IN_FLIGHT.add(run);
    }

    /**
     * Takes {@code run} out of the hook's reach. False when the hook has claimed it: the JVM is
     * exiting, and the caller must neither reap the child nor close its pidfd.
     */
    static boolean withdraw(ToolRun run) {
        return IN_FLIGHT.remove(run);
    }

    /** The calls within the hook's reach, a copy; for tests. */
    static Set<ToolRun> inFlight() {
        return Set.copyOf(IN_FLIGHT);
    }

    /** The hook: claims each call still within reach and kills it. Package-private for tests. */
    static void killAll() {
        for (ToolRun run : IN_FLIGHT) {
            if (IN_FLIGHT.remove(run)) {
                kill(run);
            }
        }
    }

    /** As ToolRun's SIGKILL: to the group by number, and to the child by pidfd in case it left the group. */
    private static void kill(ToolRun run) {
        try {
            LibSpawn.spawn_kill_group((int) run.pid(), KillPolicy.SIGKILL);
            LibSpawn.spawn_signal(run.pidfd(), KillPolicy.SIGKILL);
        } catch (Throwable t) {
            // nothing may escape a shutdown hook: the other calls still need their kill
        }
    }
}
