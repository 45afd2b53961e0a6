package dev.spawn.linux;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Whether the calling thread is a virtual thread (JDK 21+), on which a read or write that blocks
 * in native code would hold its carrier: with all carriers so held, the thread that would unblock
 * them (the reader of the child's other stream, say) never runs. The JDK's own pipe streams lend
 * the scheduler another carrier meanwhile (an internal API); ours wait for the fd on the spawn
 * loop instead, parked.
 */
final class VirtualThreads {
    /** {@code Thread::isVirtual}, or null before JDK 21; the library is built for 17. */
    private static final MethodHandle IS_VIRTUAL = isVirtual();

    private VirtualThreads() {
    }

    /** Whether the current thread is virtual. */
    static boolean current() {
        if (IS_VIRTUAL == null) {
            return false;
        }
        try {
            return (boolean) IS_VIRTUAL.invokeExact(Thread.currentThread());
        } catch (Throwable impossible) {
            throw new AssertionError("Thread.isVirtual threw", impossible);
        }
    }

    private static MethodHandle isVirtual() {
        try {
            return MethodHandles.publicLookup().findVirtual(Thread.class, "isVirtual",
                    MethodType.methodType(boolean.class));
        } catch (NoSuchMethodException | IllegalAccessException beforeJdk21) {
            return null;
        }
    }
}
