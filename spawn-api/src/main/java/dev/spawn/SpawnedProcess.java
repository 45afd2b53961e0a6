package dev.spawn;

/**
 * A child started by spawn: a complete {@link Process}, plus which backend started it.
 *
 * <p>The native backends wait for and signal the child through its pidfd, never its raw pid,
 * so a recycled pid can never be signalled by mistake.
 */
public abstract class SpawnedProcess extends Process {
    /** For backends. */
    protected SpawnedProcess() {
    }

    /** The backend that started this child. */
    public abstract Backend backend();
}
