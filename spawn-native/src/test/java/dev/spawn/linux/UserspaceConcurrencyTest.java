package dev.spawn.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spawn.Backend;
import dev.spawn.SpawnRequest;
import dev.spawn.SpawnTemplate;
import dev.spawn.SpawnedProcess;
import dev.spawn.Spawner;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * 32 threads spawn with stdout pipes at once for 10 s from one template. Every child's output
 * must arrive on its own pipe only, and each reader must see EOF as soon as its own child
 * exits: long-lived children run alongside, so a pipe end leaked into one of them would hold a
 * reader until that child ends, far past the bound asserted here.
 */
class UserspaceConcurrencyTest {
    private static final int THREADS = 32;
    private static final int SLEEPERS = 4;
    private static final long RUN_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long SLEEPER_MILLIS = 4000;
    private static final long EOF_BOUND_MILLIS = 2000;

    @Test
    void outputStaysOnItsOwnPipeAndEofComesWithTheChildsExit() throws Exception {
        Spawner spawner = Spawner.using(Backend.USERSPACE);
        AtomicLong spawned = new AtomicLong();
        AtomicLong slowestEofMillis = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try (SpawnTemplate probe = spawner.template(TestSupport.probePath())) {
            long end = System.nanoTime() + RUN_NANOS;
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                workers.add(pool.submit(() -> {
                    List<SpawnedProcess> sleepers = new ArrayList<>();
                    for (int i = 0; System.nanoTime() < end; i++) {
                        if (thread < SLEEPERS) {
                            sleepers.add(probe.spawn(SpawnRequest.builder("p", "sleep", Long.toString(SLEEPER_MILLIS)).build()));
                            Thread.sleep(SLEEPER_MILLIS / 2);
                            continue;
                        }
                        String token = "thread-" + thread + "-call-" + i;
                        long start = System.nanoTime();
                        SpawnedProcess child = probe.spawn(SpawnRequest.builder("p", "echo", token).build());
                        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                        long eofMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                        slowestEofMillis.accumulateAndGet(eofMillis, Math::max);
                        assertEquals(token + "\n", out);
                        assertEquals(0, child.waitFor());
                        child.getErrorStream().close();
                        child.getOutputStream().close();
                        assertTrue(eofMillis < EOF_BOUND_MILLIS, token + ": EOF took " + eofMillis + " ms");
                        spawned.incrementAndGet();
                    }
                    for (SpawnedProcess sleeper : sleepers) {
                        sleeper.destroyForcibly();
                        sleeper.waitFor();
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
        } finally {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        }
        assertTrue(spawned.get() > THREADS, "only " + spawned.get() + " spawns in 10 s");
        System.out.printf("%d spawns from 28 threads beside 4 long-lived children; slowest EOF %d ms%n",
                spawned.get(), slowestEofMillis.get());
    }
}
