package dev.spawn.bench.agent;

/**
 * The lines a worker prints on its stdout, each prefixed {@link #PREFIX} (anything else on
 * stdout is ignored). In order: while it warms up, about once a second as long as it starts new
 * calls, {@code WARMING started} (the warm-up calls it has started so far; the runner gives up
 * on a warm-up only when the worker has been silent for a while, so a warm-up may take as long
 * as its calls do); {@code READY} after warm-up, then (after the runner writes
 * {@code GO} to its stdin) {@code DONE nanos calls cpuNanos} (the worker's own CPU time over the
 * timed calls, children excluded; -1 when unknown), from a JVM worker {@code JIT nanos} (its JIT
 * compiler threads' CPU time from just before READY to just after DONE, so it includes the wait
 * for GO; -1 when unknown; the C driver has no JIT and sends none), one {@code R ...} per call
 * ({@link CallOutcome#toLine()}), {@code STATS text}, {@code END}. {@code FAIL message} may come
 * at any point and ends the worker.
 */
public final class WorkerProtocol {
    public static final String PREFIX = "@@ ";
    public static final String WARMING = "WARMING";
    public static final String READY = "READY";
    public static final String GO = "GO";
    public static final String DONE = "DONE";
    public static final String JIT = "JIT";
    public static final String RESULT = "R";
    public static final String STATS = "STATS";
    public static final String END = "END";
    public static final String FAIL = "FAIL";

    private WorkerProtocol() {
    }
}
