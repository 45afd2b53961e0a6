package dev.spawn;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Counters of one {@link Spawner}, for dashboards and tests. The maps are unmodifiable copies
 * that iterate, and print, in a fixed order: backends in the chain's order (best first),
 * fallbacks by key.
 *
 * @param spawns children started, by backend
 * @param templates templates created, by backend
 * @param recreated templates closed and re-created after ESTALE or EACCES
 * @param fallbacks moves from one backend to the next, keyed {@code "FROM->TO (ERRNO)"}
 */
public record SpawnStats(Map<Backend, Long> spawns, Map<Backend, Long> templates, long recreated,
        Map<String, Long> fallbacks) {
    /**
     * Copies the maps into their fixed order.
     *
     * @throws NullPointerException for a null map, key or count, as {@code Map.copyOf} would
     */
    public SpawnStats {
        spawns = inChainOrder(spawns);
        templates = inChainOrder(templates);
        fallbacks = Collections.unmodifiableMap(new TreeMap<>(noNulls(fallbacks)));
    }

    private static Map<Backend, Long> inChainOrder(Map<Backend, Long> counts) {
        Map<Backend, Long> copy = new EnumMap<>(Backend.class);
        copy.putAll(noNulls(counts));
        return Collections.unmodifiableMap(copy);
    }

    /** {@code counts} itself; a null key or count fails here, not in a later sum. */
    private static <K> Map<K, Long> noNulls(Map<K, Long> counts) {
        counts.forEach((key, count) -> {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(count, () -> "count of " + key);
        });
        return counts;
    }

    /** Children started through {@code backend}. */
    public long spawns(Backend backend) {
        return spawns.getOrDefault(backend, 0L);
    }

    /** All fallbacks, whatever their reason. */
    public long totalFallbacks() {
        return fallbacks.values().stream().mapToLong(Long::longValue).sum();
    }
}
