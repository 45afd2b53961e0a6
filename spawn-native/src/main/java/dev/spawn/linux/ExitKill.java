package dev.spawn.linux;

import dev.spawn.KillPolicy;
import dev.spawn.ToolCall;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends the process groups of the tool calls still in flight when the JVM exits through its
 * shutdown hooks (main returns, {@code System.exit}, SIGTERM, SIGINT, SIGHUP): the parent-death
 * signal reaches only each call's direct child, so its background descendants would live on
 * under init. Only calls {@link #covers covered} are here.
 *
 * <p>The hook runs alongside the application's own shutdown hooks, as Java runs them all at
 * once, in no order: an application hook that waits for a call in flight (a graceful shutdown
 * that drains its work) sees that call killed, {@code SIGKILL}, unless the system property
 * {@value #PROPERTY} is {@code false}; the application then ends its calls itself (with
 * {@link ToolCall#timeout()}s, or by cancelling their futures), and whatever a call it leaves
 * running started outlives the JVM. The property is read once, when the first covered call
 * starts (when the hook would be registered): later changes have no effect. {@code true} or
 * {@code false}, in any case and with blanks around; unset or blank is {@code true}; any other
 * value is logged as a warning and taken as {@code true}.
 *
 * <p>The hook first marks the JVM as exiting, then goes through the calls in flight. A call
 * that starts once the mark is set is not put within its reach: it is not killed by the hook,
 * and keeps its parent-death signal. So a call that another shutdown hook starts is killed only
 * when it starts before the mark, which Java's concurrent hooks cannot order: a hook of the
 * application that starts a call at once may or may not see it killed; one that starts it once
 * this hook has run never does.
 *
 * <p>A call is here from its start until the loop withdraws it, just before it reaps the child.
 * Withdrawing and the hook's claim are the same atomic removal from one set, so exactly one
 * side owns the pid and pidfd: either the loop (which goes on to reap), or the hook, which
 * signals the group by number while the unreaped leader still reserves it, as ToolRun's own
 * group signals do; the loop then leaves the child and its pidfd to the exiting JVM. The hook
 * waits for no thread (the set's own locks are held for one insert or removal at a time), so a
 * busy or stuck event loop cannot hold up the JVM's exit: it costs two syscalls per call.
 *
 * <p>Not reached either: every call when the JVM dies by SIGKILL or a crash, which run no hook,
 * and every call of a JVM where the hook could not be registered (a security manager that
 * forbids it; logged). The parent-death signal remains.
 */
final class ExitKill {
    /** The system property that, set to {@code false}, turns the hook's kills off. */
    static final String PROPERTY = "spawn.toolCall.killGroupsAtExit";

    private static final Logger LOG = LoggerFactory.getLogger(ExitKill.class);
    private static final Set<ToolRun> IN_FLIGHT = ConcurrentHashMap.newKeySet();
    /** Whether {@link #hookOnce} has decided; it decides once, whatever the outcome. */
    private static volatile boolean hooked;
    /** Whether the hook is registered and kills: calls are put within its reach only then. */
    private static volatile boolean active;
    /** Set by the hook before it goes through the set: calls that start from then on stay out. */
    private static volatile boolean exiting;

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
     * exists, nothing may fail before the loop owns it. Reads {@value #PROPERTY} then, and only
     * then. The hook's thread is created here and started only by the JVM's exit; it takes
     * neither the calling thread's inheritable thread locals nor its context class loader (on
     * JDK 17 a thread still captures the caller's access-control context). Nothing here fails the call: a JVM that is already exiting, or a security
     * manager that forbids the hook, leaves the calls to their parent-death signal.
     */
    static void hookOnce() {
        if (hooked) {
            return;
        }
        synchronized (ExitKill.class) {
            if (hooked) {
                return;
            }
            try {
                active = registered();
            } finally {
                // set last: a thread that sees it must also see active, or its first call would
                // go untracked; and decided once, whatever happened: a refusal is not retried
                hooked = true;
            }
        }
    }

    /** Reads the property and registers the hook; whether the hook will kill the calls in flight. */
    private static boolean registered() {
        try {
            if (!killsAtExit(System.getProperty(PROPERTY))) {
                return false;
            }
            Thread hook = new Thread(null, ExitKill::killAll, "spawn-exit-kill", 0, false);
            // created on whichever thread makes the first call: do not pin its class loader for good
            hook.setContextClassLoader(null);
            Runtime.getRuntime().addShutdownHook(hook);
            return true;
        } catch (IllegalStateException alreadyExiting) {
            // the JVM already runs its hooks: no hook can be added any more, and the call's
            // direct child still gets its parent-death signal
            return false;
        } catch (SecurityException refused) {
            LOG.warn("spawn cannot register its exit hook ({}): the process groups of tool calls in flight"
                    + " outlive the JVM's exit", refused.toString());
            return false;
        }
    }

    /** The property's value: unset, blank or anything but true or false (warned) is true. */
    static boolean killsAtExit(String property) {
        if (property == null || property.isBlank()) {
            return true;
        }
        // strip, not trim: the same white space as isBlank's
        String value = property.strip();
        if (value.equalsIgnoreCase("false")) {
            return false;
        }
        if (!value.equalsIgnoreCase("true")) {
            LOG.warn("{}={} is not true or false; using true", PROPERTY, property);
        }
        return true;
    }

    /**
     * Puts a started call within the hook's reach, unless the hook is off or the JVM is exiting.
     * True when the call is within reach, or was claimed by the hook in the meantime: the
     * caller must then {@link #withdraw} it before the reap, as always.
     */
    static boolean register(ToolRun run) {
        if (!active || exiting) {
            return false;
        }
        IN_FLIGHT.add(run);
        // the hook sets exiting, then goes through the set; this adds, then reads exiting (both
        // volatile): either the hook's pass sees this call, or this sees the flag and backs out,
        // unless the hook has claimed the call already
        return !exiting || !IN_FLIGHT.remove(run);
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

    /** Whether the hook has started: calls that start now stay out of its reach. For tests. */
    static boolean exiting() {
        return exiting;
    }

    /** The hook: marks the JVM as exiting, then claims each call still within reach and kills it. */
    private static void killAll() {
        exiting = true;
        for (ToolRun run : IN_FLIGHT) {
            claim(run);
        }
    }

    /**
     * Claims {@code run} as the hook does and kills it, unless the loop withdrew it first; true
     * when claimed. Package-private so that a test can claim its own call and no other.
     */
    static boolean claim(ToolRun run) {
        if (!IN_FLIGHT.remove(run)) {
            return false;
        }
        kill(run);
        return true;
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
