package dev.spawn.reliability;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * After every test of spawn-native (registered by autodetection through
 * {@code META-INF/services/org.junit.jupiter.api.extension.Extension} and
 * {@code junit-platform.properties}), checks that the test left nothing behind:
 * <ul>
 * <li>no fd in {@code /proc/self/fd} that was not there before the test (or that now points
 *     elsewhere), except the few long-lived fds a JVM and this library open once, lazily, and
 *     keep: each is accepted once, at first sight, by its link target (see {@link #LONG_LIVED});
 * <li>no child process of this JVM that was not there before the test, live or zombie;
 * <li>no new thread that is non-daemon, or daemon and named {@code spawn-*} (beyond the one
 *     {@code spawn-reaper} and one {@code spawn-cleaner} of the JVM, and the tool-call result
 *     threads that wait idle in their pool).
 * </ul>
 * Things that go away by themselves are waited for (the reaper reaps and releases pipes
 * asynchronously; a killed child takes a moment to die); after one second a GC runs once, so
 * fds left to the library's Cleaner safety net are released. What is still there after
 * {@link #SETTLE_MILLIS} fails the test, each item named precisely.
 */
public final class InvariantExtension implements BeforeEachCallback, AfterEachCallback {
    /** How long leftovers may take to go away by themselves. */
    static final long SETTLE_MILLIS = Long.getLong("spawn.invariant.settleMillis", 5000);

    /**
     * Link targets of fds that are opened once per JVM and kept, with how many of each are
     * accepted: the library's shared /dev/null (ChildSetup), the reaper's epoll (Reaper), the
     * JDK's NativePRNG devices, libffi's closure trampoline file (JNA: an unlinked
     * {@code /tmp/ffiXXXXXX}, mapped twice, kept for the JVM's life), and the class path's jars
     * (opened by the class loader at the first class loaded from each). Keys are link targets,
     * or {@link #FFI} for libffi's file, whose name is random, and {@link #SOCKET} for the one
     * socket the JDK's NIO opens with the first socket and keeps (the "pre-close" end of a
     * socketpair that UnixDispatcher dup2s over an fd being closed under a blocked thread).
     */
    private static final Map<String, Integer> LONG_LIVED = Map.of(
            "/dev/null", 1,
            "anon_inode:[eventpoll]", 1,
            "anon_inode:[eventfd]", 1,
            "/dev/random", 1,
            "/dev/urandom", 1,
            "ffi", 1,
            "socket", 1);
    private static final String SOCKET = "socket";
    private static final String FFI = "ffi";
    private static final java.util.regex.Pattern FFI_FILE = java.util.regex.Pattern.compile(".*/ffi[A-Za-z0-9]{6} \\(deleted\\)");
    private static final Map<String, Integer> accepted = new ConcurrentHashMap<>();
    private static final Set<String> KNOWN_JDK_LEAKS = ConcurrentHashMap.newKeySet();
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(InvariantExtension.class);

    private record Snapshot(Map<Integer, String> fds, Set<Long> children, Set<Long> threads) {
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        context.getStore(NS).put("before", new Snapshot(ProcState.fds(), ProcState.children().keySet(),
                ProcState.threads().keySet()));
    }

    @Override
    public void afterEach(ExtensionContext context) throws InterruptedException {
        Snapshot before = context.getStore(NS).remove("before", Snapshot.class);
        if (before == null) {
            return;
        }
        String test = context.getRequiredTestClass().getSimpleName() + "." + context.getDisplayName();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SETTLE_MILLIS);
        long gcAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        boolean collected = false;
        List<String> leaks;
        while (true) {
            leaks = leaks(before, test, false);
            if (leaks.isEmpty() || System.nanoTime() > deadline) {
                break;
            }
            if (!collected && System.nanoTime() > gcAt) {
                System.gc();
                collected = true;
            }
            Thread.sleep(20);
        }
        leaks = leaks(before, test, true);
        if (!leaks.isEmpty()) {
            throw new AssertionError(test + " left behind (after " + SETTLE_MILLIS + " ms and a GC):\n  "
                    + String.join("\n  ", leaks));
        }
    }

    /**
     * Records fds that java.lang.ProcessBuilder itself leaves open (by their unique link target,
     * such as {@code pipe:[1234]}), so that a differential test is checked for our leaks only.
     * JDK 17 and 25 leak the pipe to a pipeline stage that failed to start.
     */
    public static void knownJdkLeaks(Collection<String> linkTargets) {
        KNOWN_JDK_LEAKS.addAll(linkTargets);
    }

    private static List<String> leaks(Snapshot before, String test, boolean accept) {
        List<String> leaks = new ArrayList<>();
        for (Map.Entry<Integer, String> fd : ProcState.fds().entrySet()) {
            String target = fd.getValue();
            String kind = FFI_FILE.matcher(target).matches() ? FFI : target.startsWith("socket:[") ? SOCKET : target;
            if (target.equals(before.fds().get(fd.getKey()))) {
                continue;
            }
            // the JVM reads its cgroup limits (memory.stat, cpu.max) through short-lived fds of its
            // own, at moments no test chooses, as SoakTest also allows
            if (isJar(target) || heldByTemplateCache(target) || KNOWN_JDK_LEAKS.contains(target)
                    || target.startsWith("/sys/fs/cgroup/") || accept && acceptLongLived(fd.getKey(), kind, target, test)) {
                continue;
            }
            if (!accept && LONG_LIVED.containsKey(kind) && accepted.getOrDefault(kind, 0) < LONG_LIVED.get(kind)) {
                continue; // decided on the last pass, so a short-lived one has time to go
            }
            leaks.add("fd " + fd.getKey() + " -> " + target);
        }
        for (ProcState.Child child : ProcState.children().values()) {
            if (!before.children().contains(child.pid())) {
                leaks.add((child.state() == 'Z' ? "unreaped child " : "live child ") + child);
            }
        }
        Map<Long, Thread> threads = new LinkedHashMap<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            threads.put(thread.getId(), thread);
        }
        for (Thread thread : threads.values()) {
            if (!thread.isAlive() || before.threads().contains(thread.getId())) {
                continue;
            }
            String name = thread.getName();
            boolean spawnThread = name.startsWith("spawn-");
            if ((name.equals("spawn-reaper") || name.equals("spawn-cleaner")
                    || name.matches("spawn-parent-[0-3]")
                    || name.equals("junit-jupiter-timeout-watcher")) && knownOnce(name, thread.getId())) {
                continue; // each one per JVM: the event loop and its wake-up eventfd, the cleaner, the
                          // parent-death-signal spawners (the last: JUnit's)
            }
            if (name.startsWith("spawn-tool-results-") && idleInItsPool(thread)) {
                continue; // waits for the next result and ends after its keep-alive; a busy one is a leak
            }
            if (!thread.isDaemon() || spawnThread) {
                leaks.add("thread \"" + name + "\"" + (thread.isDaemon() ? " (daemon)" : " (non-daemon)")
                        + " state " + thread.getState() + " at "
                        + Arrays.stream(thread.getStackTrace()).limit(6).map(String::valueOf)
                                .collect(Collectors.joining(" < ")));
            }
        }
        return leaks;
    }

    /** Whether a pool thread waits for a task, rather than runs one. */
    private static boolean idleInItsPool(Thread thread) {
        return Arrays.stream(thread.getStackTrace()).anyMatch(frame ->
                frame.getClassName().equals("java.util.concurrent.ThreadPoolExecutor")
                        && frame.getMethodName().equals("getTask"));
    }

    private static final Map<String, Long> firstSpawnThreads = new ConcurrentHashMap<>();

    /** The first thread of each of the library's per-JVM names is the library's; a second one is a leak. */
    private static boolean knownOnce(String name, long id) {
        Long first = firstSpawnThreads.putIfAbsent(name, id);
        return first == null || first == id;
    }

    /**
     * SpawnProcessBuilder keeps up to 64 templates (by default) for the JVM's life in its
     * TemplateCache, each holding its executable open: an fd on a path that is one of the
     * cache's keys is the cache's, not a leak.
     */
    private static boolean heldByTemplateCache(String target) {
        try {
            Class<?> holder = Class.forName("dev.spawn.SpawnProcessBuilder$Holder");
            java.lang.reflect.Field field = holder.getDeclaredField("CACHE");
            field.setAccessible(true);
            Object cache = field.get(null);
            @SuppressWarnings("unchecked")
            List<String> keys = (List<String>) cache.getClass().getMethod("keys").invoke(cache);
            for (String key : keys) {
                try {
                    if (java.nio.file.Paths.get(key).toRealPath().toString().equals(target)) {
                        return true;
                    }
                } catch (java.io.IOException gone) {
                    // a key whose file is gone holds nothing we can match
                }
            }
            return false;
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot read SpawnProcessBuilder's template cache", e);
        }
    }

    private static boolean isJar(String target) {
        return target.endsWith(".jar") || target.startsWith(System.getProperty("java.home"));
    }

    private static synchronized boolean acceptLongLived(int fd, String kind, String target, String test) {
        Integer limit = LONG_LIVED.get(kind);
        if (limit == null) {
            return false;
        }
        int count = accepted.getOrDefault(kind, 0);
        if (count >= limit) {
            return false;
        }
        accepted.put(kind, count + 1);
        System.err.println("[invariant] accepting long-lived fd " + fd + " -> " + target + " (first seen after "
                + test + ")");
        return true;
    }
}
