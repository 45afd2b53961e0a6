package dev.spawn;

import java.util.Map;

/**
 * Counters of one {@link Spawner}, for dashboards and tests.
 *
 * @param spawns children started, by backend
 * @param templates templates created, by backend
 * @param recreated templates closed and re-created after ESTALE or EACCES
 * @param fallbacks moves from one backend to the next, keyed {@code "FROM->TO (ERRNO)"}
 */
public record SpawnStats(Map<Backend, Long> spawns, Map<Backend, Long> templates, long recreated,
        Map<String, Long> fallbacks) {
    public SpawnStats {
        spawns = Map.copyOf(spawns);
        templates = Map.copyOf(templates);
        fallbacks = Map.copyOf(fallbacks);
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
