package dev.spawn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The counters read the same from run to run: a dashboard or a log diff must not see them shuffle. */
class SpawnStatsTest {
    @Test
    void backendsKeepTheirChainOrderAndFallbacksTheirKeysOrder() {
        Map<Backend, Long> counts = new HashMap<>();
        counts.put(Backend.PROCESS_BUILDER, 3L);
        counts.put(Backend.USERSPACE, 2L);
        counts.put(Backend.KERNEL_TEMPLATE, 1L);
        Map<String, Long> fallbacks = new HashMap<>();
        for (String reason : List.of("ENOEXEC", "ENOSYS", "setsid", "setpgid", "pdeathsig", "EACCES", "ESTALE")) {
            fallbacks.put("USERSPACE->PROCESS_BUILDER (" + reason + ")", 1L);
            fallbacks.put("KERNEL_TEMPLATE->USERSPACE (" + reason + ")", 1L);
        }
        SpawnStats stats = new SpawnStats(counts, counts, 4, fallbacks);

        List<Backend> chainOrder = List.of(Backend.KERNEL_TEMPLATE, Backend.USERSPACE, Backend.PROCESS_BUILDER);
        assertEquals(chainOrder, List.copyOf(stats.spawns().keySet()));
        assertEquals(chainOrder, List.copyOf(stats.templates().keySet()));
        assertEquals(fallbacks.keySet().stream().sorted().toList(), List.copyOf(stats.fallbacks().keySet()));
        String inOrder = "{KERNEL_TEMPLATE=1, USERSPACE=2, PROCESS_BUILDER=3}";
        assertEquals("SpawnStats[spawns=" + inOrder + ", templates=" + inOrder + ", recreated=4, fallbacks="
                + stats.fallbacks() + "]", stats.toString());
    }

    @Test
    void theMapsAreCopiesNobodyCanChange() {
        Map<Backend, Long> counts = new HashMap<>(Map.of(Backend.USERSPACE, 1L));
        SpawnStats stats = new SpawnStats(counts, counts, 0, Map.of("a", 1L));
        counts.put(Backend.USERSPACE, 5L);
        assertEquals(1L, stats.spawns(Backend.USERSPACE));
        assertThrows(UnsupportedOperationException.class, () -> stats.spawns().put(Backend.USERSPACE, 2L));
        assertThrows(UnsupportedOperationException.class, () -> stats.templates().clear());
        assertThrows(UnsupportedOperationException.class, () -> stats.fallbacks().put("b", 1L));
    }

    @Test
    void aNullCountFailsAtOnceNotInALaterSum() {
        Map<Backend, Long> spawns = new HashMap<>();
        spawns.put(Backend.USERSPACE, null);
        assertThrows(NullPointerException.class, () -> new SpawnStats(spawns, Map.of(), 0, Map.of()));
        Map<String, Long> fallbacks = new HashMap<>();
        fallbacks.put("a", null);
        assertThrows(NullPointerException.class, () -> new SpawnStats(Map.of(), Map.of(), 0, fallbacks));
    }
}
