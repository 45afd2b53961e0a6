package dev.spawn.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * A bounded, least-recently-used cache of closeable values (templates) by key (an absolute
 * executable path), with leases: a value is closed when it has been evicted, invalidated or the
 * cache closed <em>and</em> no lease on it is open, so an eviction never closes a template a spawn
 * in flight is using. Creating a value happens outside the cache's lock; when two threads create
 * the same key at once, one value wins and the other is closed.
 *
 * <p>A value nobody has leased for the idle time is closed too: a template holds its executable
 * open, which keeps a deleted file's blocks allocated, its file system busy for {@code umount},
 * and on the RFC kernel the file closed to writers. A sweep runs when the oldest unleased value
 * may have expired, only while some value is unleased, through {@link
 * CompletableFuture#delayedExecutor} (daemon threads of the JDK's).
 *
 * <p>A capacity of 0 caches nothing: each lease gets a fresh value, closed at release. After
 * {@link #close()} the cache behaves so too. Thread-safe.
 *
 * @param <V> the cached values
 */
public final class TemplateCache<V extends AutoCloseable> {
    /** Creates the value for a key. */
    @FunctionalInterface
    public interface Loader<V> {
        /** The value for {@code key}. */
        V load(String key) throws IOException;
    }

    /** Runs a task after a delay. */
    @FunctionalInterface
    interface Scheduler {
        void schedule(Runnable task, long delayNanos);
    }

    private static final Scheduler DELAYED_EXECUTOR = (task, delayNanos) ->
            CompletableFuture.delayedExecutor(delayNanos, TimeUnit.NANOSECONDS).execute(task);

    private final int capacity;
    private final long idleNanos;
    private final Loader<V> loader;
    private final LongSupplier clock;
    private final Scheduler scheduler;
    private final LinkedHashMap<String, Entry<V>> entries = new LinkedHashMap<>(16, 0.75f, true);
    private boolean closed;
    private boolean sweepScheduled;

    /**
     * @param capacity the most values kept, at least 0
     * @param idle how long a value nobody leases is kept; {@link Duration#ZERO} keeps it until
     *     it is evicted
     * @param loader creates a value on a miss
     */
    public TemplateCache(int capacity, Duration idle, Loader<V> loader) {
        this(capacity, idle, loader, System::nanoTime, DELAYED_EXECUTOR);
    }

    TemplateCache(int capacity, Duration idle, Loader<V> loader, LongSupplier clock, Scheduler scheduler) {
        if (capacity < 0) {
            throw new IllegalArgumentException("template cache capacity " + capacity + " is negative");
        }
        if (idle.isNegative()) {
            throw new IllegalArgumentException("template cache idle time " + idle + " is negative");
        }
        this.capacity = capacity;
        this.idleNanos = idle.toNanos();
        this.loader = loader;
        this.clock = clock;
        this.scheduler = scheduler;
    }

    /**
     * A lease on the value for {@code key}, created on a miss; close the lease when done with it.
     *
     * @throws IOException what the loader threw; nothing is cached then
     */
    public Lease<V> acquire(String key) throws IOException {
        synchronized (this) {
            Entry<V> entry = entries.get(key);
            if (entry != null) {
                entry.leases++;
                return new Lease<>(this, key, entry);
            }
        }
        V created = loader.load(key);
        Entry<V> fresh = new Entry<>(created);
        fresh.leases = 1;
        List<Entry<V>> toClose = new ArrayList<>();
        Entry<V> result;
        synchronized (this) {
            Entry<V> existing = closed || capacity == 0 ? null : entries.get(key);
            if (existing != null) {
                existing.leases++;
                fresh.retired = true;
                fresh.leases = 0;
                toClose.add(fresh);
                result = existing;
            } else {
                result = fresh;
                if (closed || capacity == 0) {
                    fresh.retired = true;
                } else {
                    entries.put(key, fresh);
                    Iterator<Entry<V>> eldest = entries.values().iterator();
                    while (entries.size() > capacity) {
                        retire(eldest.next(), toClose);
                        eldest.remove();
                    }
                }
            }
        }
        closeAll(toClose);
        return new Lease<>(this, key, result);
    }

    /**
     * Drops {@code lease}'s value from the cache if it is still the one cached (its executable
     * is gone or broken); it is closed once every lease on it is released.
     */
    public void invalidate(Lease<V> lease) {
        List<Entry<V>> toClose = new ArrayList<>();
        synchronized (this) {
            if (entries.get(lease.key) == lease.entry) {
                entries.remove(lease.key);
                retire(lease.entry, toClose);
            }
        }
        closeAll(toClose);
    }

    /** Empties the cache; values in use are closed when their last lease is released. Idempotent. */
    public void close() {
        List<Entry<V>> toClose = new ArrayList<>();
        synchronized (this) {
            closed = true;
            for (Entry<V> entry : entries.values()) {
                retire(entry, toClose);
            }
            entries.clear();
        }
        closeAll(toClose);
    }

    /** How many values are cached now. */
    public synchronized int size() {
        return entries.size();
    }

    /** The cached keys, least recently used first. */
    public synchronized List<String> keys() {
        return new ArrayList<>(entries.keySet());
    }

    /** The capacity given at construction. */
    public int capacity() {
        return capacity;
    }

    private void release(Entry<V> entry) {
        boolean close;
        boolean schedule = false;
        synchronized (this) {
            if (entry.leases <= 0) {
                throw new IllegalStateException("template lease released twice");
            }
            entry.leases--;
            close = entry.retired && entry.leases == 0;
            if (entry.leases == 0 && !entry.retired && idleNanos > 0) {
                entry.idleSince = clock.getAsLong();
                schedule = !sweepScheduled;
                sweepScheduled = true;
            }
        }
        if (close) {
            closeQuietly(entry.value);
        }
        if (schedule) {
            scheduleSweep(idleNanos);
        }
    }

    /**
     * Closes the values nobody has leased for the idle time, and comes back when the next of the
     * others may have expired.
     */
    void sweepIdle() {
        List<Entry<V>> toClose = new ArrayList<>();
        long next = -1;
        synchronized (this) {
            sweepScheduled = false;
            long now = clock.getAsLong();
            for (Iterator<Entry<V>> it = entries.values().iterator(); it.hasNext(); ) {
                Entry<V> entry = it.next();
                if (entry.leases > 0) {
                    continue;
                }
                long idleFor = now - entry.idleSince;
                if (idleFor >= idleNanos) {
                    retire(entry, toClose);
                    it.remove();
                } else if (next < 0 || idleNanos - idleFor < next) {
                    next = idleNanos - idleFor;
                }
            }
            sweepScheduled = next >= 0;
        }
        closeAll(toClose);
        if (next >= 0) {
            scheduleSweep(next);
        }
    }

    private void scheduleSweep(long delayNanos) {
        try {
            scheduler.schedule(this::sweepIdle, delayNanos);
        } catch (Throwable noSweep) {
            // no thread to be had now: the next release asks again
            synchronized (this) {
                sweepScheduled = false;
            }
        }
    }

    /** Under the lock: marks {@code entry} evicted and queues its close if no lease is open. */
    private static <V extends AutoCloseable> void retire(Entry<V> entry, List<Entry<V>> toClose) {
        entry.retired = true;
        if (entry.leases == 0) {
            toClose.add(entry);
        }
    }

    private static <V extends AutoCloseable> void closeAll(List<Entry<V>> toClose) {
        for (Entry<V> entry : toClose) {
            closeQuietly(entry.value);
        }
    }

    private static void closeQuietly(AutoCloseable value) {
        try {
            value.close();
        } catch (Exception e) {
            // a template's close does not throw; anything else has nothing to tell the spawner
        }
    }

    @Override
    public synchronized String toString() {
        return "TemplateCache[" + entries.size() + "/" + capacity + (closed ? ", closed" : "") + "]";
    }

    private static final class Entry<V> {
        final V value;
        int leases;
        boolean retired;
        /** When the last lease was released, on the cache's clock (nanoseconds), while none is open. */
        long idleSince;

        Entry(V value) {
            this.value = value;
        }
    }

    /**
     * One use of a cached value; {@link #close()} releases it (once, from whichever thread closes
     * it first; later closes are ignored).
     *
     * @param <V> the value type
     */
    public static final class Lease<V extends AutoCloseable> implements AutoCloseable {
        private final TemplateCache<V> cache;
        private final String key;
        private final Entry<V> entry;
        private final AtomicBoolean released = new AtomicBoolean();

        private Lease(TemplateCache<V> cache, String key, Entry<V> entry) {
            this.cache = cache;
            this.key = key;
            this.entry = entry;
        }

        /** The leased value; valid until {@link #close()}. */
        public V value() {
            return entry.value;
        }

        @Override
        public void close() {
            if (released.compareAndSet(false, true)) {
                cache.release(entry);
            }
        }
    }

    /** For tests: the entries in LRU order with their lease counts. */
    synchronized Map<String, Integer> leaseCounts() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        entries.forEach((key, entry) -> counts.put(key, entry.leases));
        return counts;
    }
}
