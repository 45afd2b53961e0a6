package dev.spawn;

import dev.spawn.spi.BackendTemplate;
import dev.spawn.spi.ChildOptionSupport;
import dev.spawn.spi.Errno;
import dev.spawn.spi.SpawnBackend;
import dev.spawn.spi.StaleTemplateException;
import dev.spawn.spi.ToolCallSupport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * A prepared executable that children are spawned from, many times and from many threads.
 * Holds an fd (a kernel template, or the executable opened by the userspace backend) until
 * {@link #close()}.
 *
 * <p>Which backend serves it follows the {@link Spawner}'s chain: a script makes the kernel
 * backend answer ENOEXEC, so its template starts on the next backend. When the backend says the
 * template itself is stale ({@link dev.spawn.spi.StaleTemplateException}: ESTALE, the executable
 * was replaced or changed, or EACCES, it no longer fits the caller), the template is re-created on
 * the same backend and the spawn retried, up to 8 times; only a re-create that the backend cannot
 * serve (ENOEXEC, ENOSYS) moves it to the next backend. A tool upgraded by rename keeps working
 * and runs the new binary. A re-create that finds the file gone or no longer executable throws
 * {@link java.nio.file.NoSuchFileException} or {@link java.nio.file.AccessDeniedException}, as
 * creating the template would have, with the stale exception suppressed; every other failure to
 * start a child is a {@link SpawnException}. An EACCES or ESTALE from the request's own setup (a
 * redirect file, the working directory) is thrown at once.
 *
 * <p>A request that needs a {@link ChildOption} the serving backend cannot apply (setsid,
 * setpgid or a parent-death signal on KERNEL_TEMPLATE) is spawned from a second template, on the
 * next backend of the chain that can apply it, made on first need (for a template made from an fd,
 * at its creation) and kept until {@link #close()};
 * each such spawn counts as a fallback {@code "FROM->TO (OPTION)"}. When no later backend can,
 * the spawn throws {@link UnsupportedOperationException} naming the option.
 */
public final class SpawnTemplate implements AutoCloseable {
    /** Re-creates in one recovery before moving on: enough for a tool replaced while in use. */
    private static final int MAX_RECREATES = 8;

    private final Spawner spawner;
    private final Path executable;
    private final int executableFd;
    private final Object lock = new Object();
    private volatile BackendTemplate current;
    private volatile int chainIndex;
    private volatile boolean closed;
    /** Templates on later backends for requests with child options; guarded by lock. */
    private final Map<Backend, BackendTemplate> moved = new EnumMap<>(Backend.class);
    /** Why a later backend's template could not be made from the fd at creation; guarded by lock. */
    private final List<IOException> movedFailures = new ArrayList<>(0);

    /** One use of a backend template: a spawn or a tool call. */
    private interface BackendCall<T> {
        T apply(BackendTemplate template, SpawnRequest request) throws IOException;

        /**
         * Throws when {@code template} cannot serve this use at all, whatever the request's
         * options. Checked before a request is moved for its options: otherwise the move's
         * "no later backend can apply" would hide the real reason.
         */
        default void requireServedBy(BackendTemplate template) {
        }
    }

    /**
     * A tool call's start, which needs a template with an event loop. PROCESS_BUILDER, the only
     * backend without one, is always last in a chain, so no later backend can run it either.
     */
    private record ToolCallStart(ToolCall call, boolean callerWaits)
            implements BackendCall<CompletableFuture<ToolResult>> {
        @Override
        public CompletableFuture<ToolResult> apply(BackendTemplate template, SpawnRequest request) throws IOException {
            requireServedBy(template);
            return ((ToolCallSupport) template).startToolCall(request, call, callerWaits);
        }

        @Override
        public void requireServedBy(BackendTemplate template) {
            if (!(template instanceof ToolCallSupport)) {
                throw new UnsupportedOperationException("the " + template.kind()
                        + " backend cannot run tool calls (no event loop; it needs spawn-native)");
            }
        }
    }

    private SpawnTemplate(Spawner spawner, Path executable, int executableFd) {
        this.spawner = spawner;
        this.executable = executable;
        this.executableFd = executableFd;
    }

    /** A template made by {@link Spawner#system()}; see {@link Spawner#template(Path)}. */
    public static SpawnTemplate open(Path executable) throws IOException {
        return Spawner.system().template(executable);
    }

    static SpawnTemplate create(Spawner spawner, Path executable, int executableFd) throws IOException {
        SpawnTemplate template = new SpawnTemplate(spawner, executable, executableFd);
        template.createFrom(0, null);
        if (executable == null) {
            template.prepareMovedFromFd();
        }
        return template;
    }

    /**
     * Makes now, while the caller's fd still names the executable, the templates that requests
     * with child options will need: the caller may close the fd once this returns, and a number
     * opened later for another file must never become this template's executable.
     */
    private void prepareMovedFromFd() throws IOException {
        Set<ChildOption> all = EnumSet.allOf(ChildOption.class);
        if (missing(current, all).isEmpty()) {
            return;
        }
        try {
            movedTemplate(current, all, true);
        } catch (UnsupportedOperationException noBackendCan) {
            // a request that needs an option no backend applies gets this at its spawn, with
            // why each later backend's template could not be made
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Creates on the first backend from {@code start} that accepts the executable; ENOEXEC and
     * ENOSYS move on, anything else is the caller's error and is thrown.
     */
    private void createFrom(int start, SpawnException previous) throws IOException {
        List<SpawnBackend> chain = spawner.chainList();
        SpawnException last = previous;
        for (int i = start; i < chain.size(); i++) {
            SpawnBackend backend = chain.get(i);
            if (last != null && i > 0) {
                spawner.countFallback(chain.get(i - 1).kind(), backend.kind(), last.errnoName(), describe());
            }
            try {
                current = executable != null ? backend.create(executable) : backend.create(executableFd);
                chainIndex = i;
                spawner.countTemplate(backend.kind());
                return;
            } catch (SpawnException e) {
                if (e.errno() != Errno.ENOEXEC && e.errno() != Errno.ENOSYS || i == chain.size() - 1) {
                    throw e;
                }
                last = e;
            }
        }
        throw last;
    }

    /**
     * Starts a child.
     *
     * @throws java.nio.file.NoSuchFileException when the template was stale (its executable was
     *     replaced or changed since it was made) and its re-create found no file at the path; the
     *     {@link StaleTemplateException} that started the re-create is suppressed in it
     * @throws java.nio.file.AccessDeniedException likewise, when the file at the path is no longer
     *     an executable regular file that the caller may run
     * @throws SpawnException for every other failure, naming the errno, the step and, for a failed
     *     action, the action: the request's own setup (an ENOENT or EACCES opening a redirect file
     *     or the working directory is a SpawnException whose cause is the NIO type above), the
     *     child's actions and exec, a re-create's other errnos, and a template made from an fd
     *     that is stale (it is never re-created: a {@link StaleTemplateException})
     * @throws UnsupportedOperationException when the serving backend cannot express the request
     *     (ProcessBuilder and low-level actions), naming what it cannot do
     * @throws IllegalStateException when this template is closed
     */
    public SpawnedProcess spawn(SpawnRequest request) throws IOException {
        return run(request, BackendTemplate::spawn);
    }

    /**
     * Runs a tool call to its end: starts the child, collects its capped output, enforces the
     * timeout and the drain window, and kills what is left as {@code call} says.
     *
     * @throws java.nio.file.NoSuchFileException as {@link #spawn(SpawnRequest)}: a stale template
     *     whose executable is gone
     * @throws java.nio.file.AccessDeniedException as {@link #spawn(SpawnRequest)}: a stale
     *     template whose executable can no longer be run
     * @throws SpawnException when the child cannot be started for any other reason, as
     *     {@link #spawn(SpawnRequest)}
     * @throws IOException naming the errno, when the event loop cannot watch the started child
     *     (ENOSPC from {@code epoll_ctl}): the child is killed and reaped first
     * @throws InterruptedException when this thread is interrupted; the child (and its group)
     *     is then killed as on a timeout
     * @throws UnsupportedOperationException when the template is on the PROCESS_BUILDER backend,
     *     which has no event loop (spawn-native is missing, or {@code spawn.backend=processbuilder}),
     *     or when no backend of the chain can apply the call's group and parent-death signal
     */
    public ToolResult call(ToolCall call) throws IOException, InterruptedException {
        // this thread is the future's only waiter: the loop may complete it without a hand-off
        CompletableFuture<ToolResult> future = startToolCall(call, true);
        try {
            return future.get();
        } catch (InterruptedException e) {
            future.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException) {
                throw (IOException) cause;
            }
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            if (cause instanceof Error) {
                // an OutOfMemoryError copying the output, say: not an I/O failure of the call
                throw (Error) cause;
            }
            throw new IOException(cause);
        }
    }

    /**
     * Starts a tool call and returns at once; the child is started in this thread, everything
     * after that happens on the backend's event loop. The future completes on one of the
     * library's daemon threads ({@code spawn-tool-results-N}), never the loop's, and stages
     * chained on it without an executor run there. A stage that blocks, even on another call's
     * future, holds only its own thread: the results queued behind it wait about 50 ms, then
     * another thread takes them. Give heavy or blocking stages an executor of your own (the
     * {@code *Async} methods) all the same. {@link CompletableFuture#cancel Cancelling} the
     * future kills the child and its group as on a timeout.
     *
     * @return the result; completed exceptionally with the {@link IOException} that
     *     {@link #call(ToolCall)} throws when the event loop cannot watch the child
     * @throws java.nio.file.NoSuchFileException as {@link #spawn(SpawnRequest)}: a stale template
     *     whose executable is gone
     * @throws java.nio.file.AccessDeniedException as {@link #spawn(SpawnRequest)}: a stale
     *     template whose executable can no longer be run
     * @throws SpawnException when the child cannot be started for any other reason, as
     *     {@link #spawn(SpawnRequest)}
     * @throws UnsupportedOperationException as {@link #call(ToolCall)}
     */
    public CompletableFuture<ToolResult> callAsync(ToolCall call) throws IOException {
        return startToolCall(call, false);
    }

    private CompletableFuture<ToolResult> startToolCall(ToolCall call, boolean callerWaits) throws IOException {
        return run(call.toRequest(), new ToolCallStart(call, callerWaits));
    }

    /**
     * Spawns on the live template; a template that another thread's recovery replaced and closed
     * under the spawn is retried on its replacement, at most {@link #MAX_RECREATES} times in one
     * call, so a storm of replacements ends in an error rather than in endless retries.
     */
    private <T> T run(SpawnRequest request, BackendCall<T> call) throws IOException {
        for (int replaced = 0;; replaced++) {
            BackendTemplate used = live();
            call.requireServedBy(used);
            if (needsMove(used, request)) {
                return runMoved(used, request, request.childOptions(), call, true);
            }
            try {
                return counted(used.kind(), call.apply(used, request));
            } catch (SpawnException e) {
                if (!isStale(e) || executable == null) {
                    throw e;
                }
                return recover(used, request, e, call);
            } catch (IllegalStateException e) {
                if (!replacedUnder(used, e)) {
                    throw e;
                }
                if (replaced == MAX_RECREATES) {
                    throw replacedTooOften(e);
                }
            }
        }
    }

    /**
     * After a spawn found {@code used} closed under it: whether another thread's recovery
     * replaced it, so a retry belongs on the replacement. Throws when this template was closed.
     */
    private boolean replacedUnder(BackendTemplate used, IllegalStateException e) {
        if (closed) {
            throw closedDuring(e);
        }
        return current != used;
    }

    /**
     * A spawn whose template other threads' recoveries replaced and closed under it once more
     * than {@link #MAX_RECREATES} retries allow: say so, not the backend's "fd N is closed", as
     * the template itself is open and usable.
     */
    private IllegalStateException replacedTooOften(IllegalStateException e) {
        return new IllegalStateException("template for " + describe() + " was replaced under the spawn "
                + MAX_RECREATES + " times by other threads' recoveries; giving up", e);
    }

    /** A spawn that found its fd closed under it by {@link #close()}: say so, not "fd N is closed". */
    private IllegalStateException closedDuring(IllegalStateException e) {
        return new IllegalStateException("template for " + describe() + " was closed during the spawn", e);
    }

    /** Whether {@code template} cannot apply a child option {@code request} asks for. */
    private static boolean needsMove(BackendTemplate template, SpawnRequest request) {
        Set<ChildOption> needed = request.childOptions();
        return !needed.isEmpty() && !missing(template, needed).isEmpty();
    }

    /**
     * {@code call} on {@code template}, or on a later backend's template when it cannot apply the
     * request's child options: after a recovery or a fallback as on the first try, an option is
     * never dropped.
     */
    private <T> T apply(BackendTemplate template, SpawnRequest request, BackendCall<T> call) throws IOException {
        call.requireServedBy(template);
        if (needsMove(template, request)) {
            return runMoved(template, request, request.childOptions(), call, true);
        }
        return counted(template.kind(), call.apply(template, request));
    }

    private static Set<ChildOption> missing(BackendTemplate template, Set<ChildOption> needed) {
        Set<ChildOption> missing = EnumSet.copyOf(needed);
        if (template instanceof ChildOptionSupport) {
            missing.removeAll(((ChildOptionSupport) template).supportedChildOptions());
        }
        return missing;
    }

    /**
     * Serves a request whose options {@code from} cannot apply from a later backend's template.
     * A moved template that another thread's recovery replaced and closed under the spawn is
     * retried on its replacement, at most {@link #MAX_RECREATES} times in one call as in
     * {@link #run}: each caller whose spawn finds the moved template stale replaces it, so with
     * no bound one slow spawn was retried once per other caller, and enough callers overflowed
     * the stack. A stale moved template is re-created and the spawn retried once
     * ({@code retryStale}), with no further re-create.
     */
    private <T> T runMoved(BackendTemplate from, SpawnRequest request, Set<ChildOption> needed, BackendCall<T> call,
            boolean retryStale) throws IOException {
        int replaced = 0;
        while (true) {
            BackendTemplate target = movedTemplate(from, needed, false);
            spawner.countFallback(from.kind(), target.kind(), describeOptions(missing(from, needed)), describe());
            try {
                return counted(target.kind(), call.apply(target, request));
            } catch (IllegalStateException e) {
                if (closed) {
                    throw closedDuring(e);
                }
                // Another thread replaced a stale moved template under us: use its replacement.
                synchronized (lock) {
                    if (moved.get(target.kind()) == target) {
                        throw e;
                    }
                }
                if (replaced++ == MAX_RECREATES) {
                    throw replacedTooOften(e);
                }
            } catch (SpawnException e) {
                if (!retryStale || !isStale(e) || executable == null) {
                    throw e;
                }
                synchronized (lock) {
                    if (moved.get(target.kind()) == target) {
                        moved.remove(target.kind());
                        target.close();
                        spawner.countRecreate(target.kind(), executable.toString(), e);
                    }
                }
                retryStale = false;
            }
        }
    }

    /**
     * The first later backend's template that can apply {@code needed}, made on first need from
     * the path; a template made from an fd only ever uses those made at its creation
     * ({@code creating}), as the fd may since name another file.
     */
    private BackendTemplate movedTemplate(BackendTemplate from, Set<ChildOption> needed, boolean creating)
            throws IOException {
        synchronized (lock) {
            live();
            List<SpawnBackend> chain = spawner.chainList();
            for (int i = chainIndex + 1; i < chain.size(); i++) {
                SpawnBackend backend = chain.get(i);
                BackendTemplate template = moved.get(backend.kind());
                if (template == null) {
                    if (executable == null && !creating) {
                        continue;
                    }
                    try {
                        template = executable != null ? backend.create(executable) : backend.create(executableFd);
                    } catch (IOException e) {
                        if (creating) {
                            // the template itself is made: only requests with options miss this one
                            movedFailures.add(e);
                            continue;
                        }
                        if (!cannotServe(e)) {
                            // a passing failure (EMFILE) is the caller's to see, not "no backend can"
                            throw e;
                        }
                        continue;
                    }
                    spawner.countTemplate(backend.kind());
                    moved.put(backend.kind(), template);
                }
                if (missing(template, needed).isEmpty()) {
                    return template;
                }
            }
        }
        UnsupportedOperationException none = new UnsupportedOperationException("the " + from.kind()
                + " backend cannot apply " + describeOptions(missing(from, needed)) + " and no later backend of "
                + spawner.backends() + " can" + (executable == null ? "" : " (for " + executable + ")"));
        synchronized (lock) {
            movedFailures.forEach(none::addSuppressed);
        }
        throw none;
    }

    /** Whether a backend's create said it cannot run the file at all (ENOEXEC, ENOSYS). */
    private static boolean cannotServe(IOException e) {
        return e instanceof SpawnException
                && (((SpawnException) e).errno() == Errno.ENOEXEC || ((SpawnException) e).errno() == Errno.ENOSYS);
    }

    private static String describeOptions(Set<ChildOption> options) {
        StringBuilder text = new StringBuilder();
        for (ChildOption option : options) {
            text.append(text.length() == 0 ? "" : ", ").append(option.call());
        }
        return text.toString();
    }

    /** {@link #spawn(SpawnRequest)} with {@code args} as argv and every other setting at its default. */
    public SpawnedProcess spawn(String... args) throws IOException {
        return spawn(SpawnRequest.builder(args).build());
    }

    private static boolean isStale(SpawnException e) {
        return e instanceof StaleTemplateException;
    }

    /** The template a recovery spawns on next; one it fell back to ends the recovery if stale too. */
    private record Retry(BackendTemplate template, boolean fellBack) {
    }

    /**
     * The template is stale (ESTALE or EACCES from the backend's spawn call): re-create on the
     * same backend and retry, a bounded number of times (a tool replaced again meanwhile is stale
     * again). Only a re-create that says the backend cannot run the file (ENOEXEC, ENOSYS: the
     * tool became a script, say) moves the template to the next backend; any other failure
     * (EMFILE, a file caught mid-replacement, a storm of replacements) is thrown and the stale
     * template stays in place and open, so the next spawn tries again: a passing condition never
     * demotes a template for good, which would cost every later spawn its speed and every later
     * tool call its backend.
     * Only the re-create holds the lock, never the spawn: a spawn can block for as long as its
     * child's setup does (an open of a FIFO nobody reads), and every thread that finds the
     * template stale meanwhile needs the lock to replace it.
     */
    private <T> T recover(BackendTemplate failed, SpawnRequest request, SpawnException why, BackendCall<T> call)
            throws IOException {
        BackendTemplate stale = failed;
        SpawnException last = why;
        for (int attempt = 0; attempt < MAX_RECREATES; attempt++) {
            Retry retry = replace(stale, last);
            try {
                return apply(retry.template(), request, call);
            } catch (SpawnException e) {
                if (!isStale(e) || retry.fellBack()) {
                    throw e;
                }
                last = e;
                stale = retry.template();
            } catch (IllegalStateException e) {
                // another thread's recovery replaced and closed it since the lock was let go: the
                // next replace() hands over the replacement, and that counts as an attempt
                if (!replacedUnder(retry.template(), e)) {
                    throw e;
                }
                stale = retry.template();
            }
        }
        throw last;
    }

    /**
     * The template to retry on after {@code stale} failed with {@code why}: the one another
     * thread put in its place, else a re-create on the same backend, else (ENOEXEC, ENOSYS) the
     * next backend's. A replacement is published before the stale template closes, so a spawn
     * that finds the old one closed also finds {@code current} changed and retries (see
     * {@link #run}).
     */
    private Retry replace(BackendTemplate stale, SpawnException why) throws IOException {
        synchronized (lock) {
            BackendTemplate now = live();
            if (now != stale) {
                return new Retry(now, false);
            }
            SpawnBackend backend = spawner.chainList().get(chainIndex);
            try {
                now = backend.create(executable);
            } catch (SpawnException cannot) {
                cannot.addSuppressed(why);
                if (cannot.errno() == Errno.ENOEXEC || cannot.errno() == Errno.ENOSYS) {
                    return new Retry(fallBack(stale, cannot), true);
                }
                throw cannot;
            } catch (IOException cannot) {
                // NoSuchFileException, AccessDeniedException: keep why it was re-created
                cannot.addSuppressed(why);
                throw cannot;
            }
            current = now;
            stale.close();
            spawner.countRecreate(backend.kind(), executable.toString(), why);
            return new Retry(now, false);
        }
    }

    /**
     * Moves this template to the next backend that accepts the executable and returns the new
     * template, or throws {@code why}. With the lock held. A moved template on the new backend or
     * before it is never used again (moved requests go to later backends only), so it is closed
     * now rather than at close().
     */
    private BackendTemplate fallBack(BackendTemplate stale, SpawnException why) throws IOException {
        if (chainIndex == spawner.chainList().size() - 1) {
            throw why;
        }
        createFrom(chainIndex + 1, why);
        stale.close();
        List<SpawnBackend> chain = spawner.chainList();
        for (int i = 0; i <= chainIndex; i++) {
            BackendTemplate unused = moved.remove(chain.get(i).kind());
            if (unused != null) {
                unused.close();
            }
        }
        return current;
    }

    private BackendTemplate live() {
        BackendTemplate template = current;
        if (closed) {
            throw new IllegalStateException("template for " + describe() + " is closed");
        }
        return template;
    }

    private <T> T counted(Backend backend, T result) {
        spawner.countSpawn(backend);
        return result;
    }

    /** The backend that serves this template now. */
    public Backend backend() {
        return current.kind();
    }

    /** The executable's path, or {@code null} for a template made from an fd. */
    public Path executable() {
        return executable;
    }

    /** Closes the template; spawns in flight finish first. Idempotent. */
    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            current.close();
            moved.values().forEach(BackendTemplate::close);
            moved.clear();
        }
    }

    private String describe() {
        return executable != null ? executable.toString() : "fd " + executableFd;
    }

    @Override
    public String toString() {
        return "SpawnTemplate[" + describe() + " on " + current.kind() + (closed ? ", closed" : "") + "]";
    }
}
