package dev.spawn;

/**
 * A child started by spawn: a complete {@link Process}, plus which backend started it.
 *
 * <p>The native backends wait for and signal the child through its pidfd, never its raw pid,
 * so a recycled pid can never be signalled by mistake. Their {@link #toHandle()} is the JDK's
 * handle when first called while the child is unreaped; first called after the child was reaped
 * (the pid may name another process by then), it is a handle of an exited process of their own,
 * equal only to itself, which the JDK's handles cannot {@code compareTo}.
 */
public abstract class SpawnedProcess extends Process {
    /** For backends. */
    protected SpawnedProcess() {
    }

    /** The backend that started this child. */
    public abstract Backend backend();

    /**
     * Sends SIGTERM, or SIGKILL when {@code forcibly}, and nothing else: unlike {@link #destroy()}
     * the streams stay open, so what the child wrote before it died can still be read, as through
     * the JDK's {@code process.toHandle().destroy()}.
     *
     * @return false when the child had already exited
     */
    public boolean terminate(boolean forcibly) {
        ProcessHandle handle = toHandle();
        return forcibly ? handle.destroyForcibly() : handle.destroy();
    }
}
