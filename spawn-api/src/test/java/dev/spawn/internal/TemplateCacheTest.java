package dev.spawn.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TemplateCacheTest {
    /** A closeable that counts its closes. */
    static final class Thing implements AutoCloseable {
        final String key;
        final AtomicInteger closes = new AtomicInteger();

        Thing(String key) {
            this.key = key;
        }

        @Override
        public void close() {
            closes.incrementAndGet();
        }
    }

    private final List<Thing> made = new ArrayList<>();

    private synchronized Thing make(String key) {
        Thing thing = new Thing(key);
        made.add(thing);
        return thing;
    }

    @Test
    void hitsReuseTheValue() throws IOException {
        TemplateCache<Thing> cache = new TemplateCache<>(4, Duration.ZERO, this::make);
        Thing first;
        try (TemplateCache.Lease<Thing> lease = cache.acquire("/bin/a")) {
            first = lease.value();
        }
        try (TemplateCache.Lease<Thing> lease = cache.acquire("/bin/a")) {
            assertSame(first, lease.value());
        }
        assertEquals(1, made.size());
        assertEquals(0, first.closes.get());
    }

    @Test
    void evictsTheLeastRecentlyUsedAndClosesIt() throws IOException {
        TemplateCache<Thing> cache = new TemplateCache<>(2, Duration.ZERO, this::make);
        cache.acquire("/a").close();
        cache.acquire("/b").close();
        cache.acquire("/a").close(); // /a is now the most recent
        cache.acquire("/c").close(); // evicts /b
        assertEquals(List.of("/a", "/c"), cache.keys());
        assertEquals(1, made.get(1).closes.get(), "/b was not closed at eviction");
        assertEquals(0, made.get(0).closes.get());
        assertEquals(0, made.get(2).closes.get());
    }

    @Test
    void evictionWaitsForTheLastLease() throws IOException {
        TemplateCache<Thing> cache = new TemplateCache<>(1, Duration.ZERO, this::make);
        TemplateCache.Lease<Thing> inUse = cache.acquire("/a");
        cache.acquire("/b").close(); // evicts /a while a spawn uses it
        assertEquals(0, inUse.value().closes.get(), "closed a template in use");
        inUse.close();
        assertEquals(1, inUse.value().closes.get());
        inUse.close(); // a second release is ignored
        assertEquals(1, inUse.value().closes.get());
    }

    @Test
    void invalidateDropsTheEntry() throws IOException {
        TemplateCache<Thing> cache = new TemplateCache<>(4, Duration.ZERO, this::make);
        TemplateCache.Lease<Thing> lease = cache.acquire("/a");
        cache.invalidate(lease);
        assertEquals(0, cache.size());
        assertEquals(0, lease.value().closes.get());
        lease.close();
        assertEquals(1, lease.value().closes.get());
        try (TemplateCache.Lease<Thing> again = cache.acquire("/a")) {
            assertNotSame(lease.value(), again.value());
        }
    }

    @Test
    void loaderFailureCachesNothing() {
        TemplateCache<Thing> cache = new TemplateCache<>(4, Duration.ZERO, key -> {
            throw new NoSuchFileException(key);
        });
        assertThrows(NoSuchFileException.class, () -> cache.acquire("/missing"));
        assertEquals(0, cache.size());
    }

    @Test
    void capacityZeroClosesAfterEachUse() throws IOException {
        TemplateCache<Thing> cache = new TemplateCache<>(0, Duration.ZERO, this::make);
        TemplateCache.Lease<Thing> lease = cache.acquire("/a");
        assertEquals(0, lease.value().closes.get());
        lease.close();
        assertEquals(1, lease.value().closes.get());
        assertEquals(0, cache.size());
        assertThrows(IllegalArgumentException.class, () -> new TemplateCache<>(-1, Duration.ZERO, this::make));
    }

    @Test
    void closeClosesIdleNowAndBusyAtRelease() throws IOException {
        TemplateCache<Thing> cache = new TemplateCache<>(4, Duration.ZERO, this::make);
        cache.acquire("/idle").close();
        TemplateCache.Lease<Thing> busy = cache.acquire("/busy");
        cache.close();
        assertEquals(1, made.get(0).closes.get());
        assertEquals(0, busy.value().closes.get());
        busy.close();
        assertEquals(1, busy.value().closes.get());
        TemplateCache.Lease<Thing> after = cache.acquire("/idle");
        assertFalse(after.value() == made.get(0));
        after.close();
        assertEquals(1, after.value().closes.get(), "a closed cache must not keep new values");
    }

    @Test
    void racingCreatesKeepOneAndCloseTheRest() throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        TemplateCache<Thing> cache = new TemplateCache<>(4, Duration.ZERO, key -> {
            try {
                start.await();
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            return make(key);
        });
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Thing>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit(() -> {
                    try (TemplateCache.Lease<Thing> lease = cache.acquire("/same")) {
                        return lease.value();
                    }
                }));
            }
            start.countDown();
            Thing winner = null;
            for (Future<Thing> result : results) {
                Thing thing = result.get(10, TimeUnit.SECONDS);
                assertEquals(0, thing.closes.get(), "a lease saw a closed value");
                winner = winner == null ? thing : winner;
            }
            assertEquals(1, cache.size());
            long open = made.stream().filter(t -> t.closes.get() == 0).count();
            assertEquals(1, open, "the losers of the race were not closed");
            assertTrue(made.stream().allMatch(t -> t.closes.get() <= 1));
        } finally {
            pool.shutdownNow();
        }
    }

    /** A clock moved by hand and a scheduler that keeps its tasks for the test to run. */
    private long now = 1_000;
    private final List<Long> delays = new ArrayList<>();
    private final List<Runnable> sweeps = new ArrayList<>();

    private TemplateCache<Thing> idleCache(Duration idle) {
        return new TemplateCache<>(4, idle, this::make, () -> now, (task, delay) -> {
            sweeps.add(task);
            delays.add(delay);
        });
    }

    private void runSweeps() {
        List<Runnable> due = new ArrayList<>(sweeps);
        sweeps.clear();
        due.forEach(Runnable::run);
    }

    @Test
    void aValueNobodyLeasesForTheIdleTimeIsClosed() throws IOException {
        TemplateCache<Thing> cache = idleCache(Duration.ofNanos(100));
        Thing thing;
        try (TemplateCache.Lease<Thing> lease = cache.acquire("/bin/a")) {
            thing = lease.value();
        }
        assertEquals(List.of(100L), delays);
        now += 99;
        runSweeps();
        assertEquals(0, thing.closes.get(), "closed before its idle time");
        assertEquals(List.of(100L, 1L), delays, "the sweep did not come back for the value left");
        now += 1;
        runSweeps();
        assertEquals(1, thing.closes.get());
        assertEquals(0, cache.size());
        assertTrue(sweeps.isEmpty(), "a sweep scheduled with nothing left to expire");
        try (TemplateCache.Lease<Thing> lease = cache.acquire("/bin/a")) {
            assertNotSame(thing, lease.value());
        }
    }

    @Test
    void aLeasedValueIsNotClosedHoweverLongItIsUsed() throws IOException {
        TemplateCache<Thing> cache = idleCache(Duration.ofNanos(100));
        try (TemplateCache.Lease<Thing> a = cache.acquire("/bin/a")) {
            TemplateCache.Lease<Thing> b = cache.acquire("/bin/b");
            b.close();
            now += 500;
            runSweeps();
            assertEquals(Map.of("/bin/a", 1), cache.leaseCounts());
            assertEquals(0, a.value().closes.get());
        }
        assertEquals(1, sweeps.size(), "releasing the last lease did not schedule a sweep");
        now += 100;
        runSweeps();
        assertEquals(0, cache.size());
    }

    @Test
    void aValueUsedAgainStartsItsIdleTimeAgain() throws IOException {
        TemplateCache<Thing> cache = idleCache(Duration.ofNanos(100));
        Thing thing;
        try (TemplateCache.Lease<Thing> lease = cache.acquire("/bin/a")) {
            thing = lease.value();
        }
        now += 60;
        try (TemplateCache.Lease<Thing> lease = cache.acquire("/bin/a")) {
            assertSame(thing, lease.value());
        }
        assertEquals(1, sweeps.size(), "one sweep at a time");
        now += 40;
        runSweeps();
        assertEquals(0, thing.closes.get(), "the idle time ran from the first use, not the last");
        now += 60;
        runSweeps();
        assertEquals(1, thing.closes.get());
    }

    @Test
    void noIdleTimeKeepsValuesUntilEvicted() throws IOException {
        TemplateCache<Thing> cache = idleCache(Duration.ZERO);
        try (TemplateCache.Lease<Thing> lease = cache.acquire("/bin/a")) {
            lease.value();
        }
        assertTrue(sweeps.isEmpty());
        assertEquals(1, cache.size());
        assertThrows(IllegalArgumentException.class, () -> idleCache(Duration.ofNanos(-1)));
    }

    @Test
    void aSweepThatCannotBeScheduledIsAskedForAgain() throws IOException {
        AtomicInteger refusals = new AtomicInteger(1);
        TemplateCache<Thing> cache = new TemplateCache<>(4, Duration.ofNanos(100), this::make, () -> now,
                (task, delay) -> {
                    if (refusals.getAndDecrement() > 0) {
                        throw new OutOfMemoryError("unable to create native thread");
                    }
                    sweeps.add(task);
                });
        cache.acquire("/bin/a").close();
        assertTrue(sweeps.isEmpty());
        cache.acquire("/bin/a").close();
        assertEquals(1, sweeps.size(), "a refused sweep left the cache thinking one was scheduled");
    }
}
