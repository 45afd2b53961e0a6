package dev.spawn.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spawn.Backend;
import dev.spawn.SpawnRequest;
import dev.spawn.SpawnTemplate;
import dev.spawn.SpawnedProcess;
import dev.spawn.Spawner;
import dev.spawn.Stdio;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

/**
 * Spawns {@code spawn.soak.count} children (3,000 in the normal suite; 100,000 for the full soak,
 * see docs/RELIABILITY.md) from 16 threads, mixing USERSPACE and PROCESS_BUILDER and four tools,
 * every child with pipes and every output checked. Afterwards the JVM's fds (same numbers, same
 * targets), its non-daemon and spawn-* threads and its children are exactly what they were
 * before, and its RSS after a GC (and glibc's malloc_trim, so the allocator's cached free pages
 * do not count) is within {@code spawn.soak.rssToleranceMib} (default 48 MiB) of where it started.
 * The baseline is taken after a warm-up of a tenth of the count on all threads: JIT code, class
 * metadata and the allocator's per-thread arenas grow once, then stay; a leak grows with the
 * count. RSS is also sampled at each tenth of the run, for the figures.
 */
class SoakTest {
    private static final int COUNT = Integer.getInteger("spawn.soak.count", 3000);
    private static final int THREADS = Integer.getInteger("spawn.soak.threads", 16);
    private static final long RSS_TOLERANCE_KIB = Long.getLong("spawn.soak.rssToleranceMib", 48) * 1024;

    /** One kind of spawn: a backend, a tool and what its output must be. */
    private enum Kind {
        PROBE_ECHO_USERSPACE(Backend.USERSPACE), CAT_STDIN_USERSPACE(Backend.USERSPACE),
        TRUE_USERSPACE(Backend.USERSPACE), SH_USERSPACE(Backend.USERSPACE), PROBE_STDERR_USERSPACE(Backend.USERSPACE),
        PROBE_ECHO_PB(Backend.PROCESS_BUILDER), CAT_STDIN_PB(Backend.PROCESS_BUILDER);

        final Backend backend;

        Kind(Backend backend) {
            this.backend = backend;
        }
    }

    @Test
    void soak() throws Exception {
        Map<Kind, SpawnTemplate> templates = new TreeMap<>();
        Spawner userspace = Spawner.using(Backend.USERSPACE);
        Spawner processBuilder = Spawner.using(Backend.PROCESS_BUILDER);
        Path probe = Probes.probe();
        templates.put(Kind.PROBE_ECHO_USERSPACE, userspace.template(probe));
        templates.put(Kind.CAT_STDIN_USERSPACE, userspace.template(Paths.get("/bin/cat")));
        templates.put(Kind.TRUE_USERSPACE, userspace.template(Paths.get("/bin/true")));
        templates.put(Kind.SH_USERSPACE, userspace.template(Paths.get("/bin/sh")));
        templates.put(Kind.PROBE_STDERR_USERSPACE, templates.get(Kind.PROBE_ECHO_USERSPACE));
        templates.put(Kind.PROBE_ECHO_PB, processBuilder.template(probe));
        templates.put(Kind.CAT_STDIN_PB, processBuilder.template(Paths.get("/bin/cat")));
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        ((java.util.concurrent.ThreadPoolExecutor) pool).prestartAllCoreThreads();
        try {
            // warm, on all threads: everything made once per JVM (reaper, /dev/null, JIT code, the
            // allocator's per-thread arenas) exists before the baseline
            run(pool, templates, Math.max(20 * Kind.values().length, COUNT / 10), new ConcurrentHashMap<>(), null);
            Baseline before = Baseline.take();
            Map<Kind, LongAdder> done = new ConcurrentHashMap<>();
            List<String> rssTrace = java.util.Collections.synchronizedList(new ArrayList<>());
            long start = System.nanoTime();
            run(pool, templates, COUNT, done, rssTrace);
            double seconds = (System.nanoTime() - start) / 1e9;
            Baseline after = Baseline.take();
            String figures = String.format("%d spawns in %.1f s (%.0f/s), %d threads, by kind %s; RSS %d -> %d KiB"
                    + " (%+d KiB, heap committed %d -> %d KiB), fds %d -> %d, threads %d -> %d, children %d -> %d",
                    COUNT, seconds, COUNT / seconds, THREADS, new TreeMap<>(done), before.rssKib, after.rssKib,
                    after.rssKib - before.rssKib, before.heapCommittedKib, after.heapCommittedKib,
                    before.fds.size(), after.fds.size(), before.threads, after.threads, before.children.size(),
                    after.children.size()) + "; RSS during the run (KiB, no GC) " + rssTrace;
            System.out.println("[soak] " + figures);
            assertEquals(COUNT, done.values().stream().mapToLong(LongAdder::sum).sum());
            // A leak is an fd that is open now and was not before; one that closed meanwhile is
            // not, nor the short-lived fds through which the JVM reads its cgroup limits.
            Map<Integer, String> added = new TreeMap<>(after.fds);
            added.entrySet().removeIf(fd -> fd.getValue().equals(before.fds.get(fd.getKey()))
                    || fd.getValue().startsWith("/sys/fs/cgroup/"));
            assertEquals(Map.of(), added, "fds opened by the soak and still open: " + figures);
            assertEquals(Map.of(), after.children, "children left: " + figures);
            assertEquals(before.watchedThreads, after.watchedThreads, "non-daemon or spawn-* threads: " + figures);
            assertTrue(after.rssKib - before.rssKib <= RSS_TOLERANCE_KIB, "RSS grew beyond the tolerance of "
                    + RSS_TOLERANCE_KIB + " KiB: " + figures);
        } finally {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS));
            for (SpawnTemplate template : templates.values()) {
                template.close();
            }
        }
    }

    private static void run(ExecutorService pool, Map<Kind, SpawnTemplate> templates, int count,
            Map<Kind, LongAdder> done, List<String> rssTrace) throws Exception {
        AtomicLong next = new AtomicLong();
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            workers.add(pool.submit(() -> {
                for (long i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                    done.computeIfAbsent(one(templates, i), k -> new LongAdder()).increment();
                    if (rssTrace != null && i > 0 && i % Math.max(1, count / 10) == 0) {
                        rssTrace.add(i + ":" + ProcState.rssKib());
                    }
                }
                return null;
            }));
        }
        for (Future<?> worker : workers) {
            worker.get(30, TimeUnit.MINUTES);
        }
    }

    /** glibc's malloc_trim: after a GC, hands the allocator's free pages back, so RSS shows what is live. */
    interface LibC extends com.sun.jna.Library {
        LibC INSTANCE = com.sun.jna.Native.load("c", LibC.class);

        int malloc_trim(long pad);
    }

    private static Kind one(Map<Kind, SpawnTemplate> templates, long i) throws Exception {
        Kind kind = Kind.values()[(int) (i % Kind.values().length)];
        SpawnTemplate template = templates.get(kind);
        String token = "soak-" + i;
        SpawnedProcess child;
        Probes.Result expected;
        switch (kind) {
            case PROBE_ECHO_USERSPACE:
            case PROBE_ECHO_PB:
                child = template.spawn(SpawnRequest.builder("p", "echo", token).build());
                expected = new Probes.Result(0, token + "\n", "");
                break;
            case PROBE_STDERR_USERSPACE:
                child = template.spawn(SpawnRequest.builder("p", "stdio").stdin(Stdio.discard()).build());
                expected = new Probes.Result(0, "stdout-token\n", "stderr-token\n");
                break;
            case CAT_STDIN_USERSPACE:
            case CAT_STDIN_PB:
                child = template.spawn(SpawnRequest.builder("cat").build());
                try (OutputStream in = child.getOutputStream()) {
                    in.write((token + "\n").getBytes(StandardCharsets.UTF_8));
                }
                expected = new Probes.Result(0, token + "\n", "");
                break;
            case TRUE_USERSPACE:
                child = template.spawn(SpawnRequest.builder("true").stdin(Stdio.discard()).build());
                expected = new Probes.Result(0, "", "");
                break;
            case SH_USERSPACE:
                child = template.spawn(SpawnRequest.builder("sh", "-c", "echo $0; exit 3", token)
                        .environment(Map.of("PATH", "/usr/bin:/bin")).build());
                expected = new Probes.Result(3, token + "\n", "");
                break;
            default:
                throw new IllegalStateException(kind.toString());
        }
        assertEquals(kind.backend, child.backend());
        assertEquals(expected, Probes.finish(child), kind + " " + token);
        child.getOutputStream().close();
        return kind;
    }

    /** What must come back: fds, watched threads, children; RSS and heap for the figures. */
    private static final class Baseline {
        Map<Integer, String> fds;
        Map<Long, ProcState.Child> children;
        List<String> watchedThreads;
        int threads;
        long rssKib;
        long heapCommittedKib;

        static Baseline take() throws InterruptedException {
            Baseline b = new Baseline();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            do { // the reaper and the Cleaner finish asynchronously
                System.gc();
                Thread.sleep(200);
                b.children = new TreeMap<>(ProcState.children());
            } while (!b.children.isEmpty() && System.nanoTime() < deadline);
            System.gc();
            Thread.sleep(500);
            LibC.INSTANCE.malloc_trim(0);
            b.fds = ProcState.fds();
            b.watchedThreads = new ArrayList<>();
            for (Thread thread : Thread.getAllStackTraces().keySet()) {
                if (thread.isAlive() && (!thread.isDaemon() || thread.getName().startsWith("spawn-"))) {
                    b.watchedThreads.add(thread.getName() + "#" + thread.getId());
                }
            }
            b.watchedThreads.sort(null);
            b.threads = Thread.activeCount();
            b.rssKib = ProcState.rssKib();
            b.heapCommittedKib = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted() / 1024;
            return b;
        }
    }
}
