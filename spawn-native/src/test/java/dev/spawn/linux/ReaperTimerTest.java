package dev.spawn.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The loop's timer queue: cancelled timers do not pile up until their deadlines. */
class ReaperTimerTest {
    private static <T> T onLoop(java.util.function.Function<Reaper, T> task) throws Exception {
        Reaper loop = Reaper.get();
        CompletableFuture<T> result = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                result.complete(task.apply(loop));
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        return result.get(10, TimeUnit.SECONDS);
    }

    @Test
    void cancelledTimersWithFarDeadlinesArePurged() throws Exception {
        long hour = TimeUnit.HOURS.toNanos(1);
        int grown = onLoop(loop -> {
            int before = loop.queuedTimers();
            for (int i = 0; i < 10_000; i++) {
                // as a tool call's timeout: scheduled at the start, cancelled when the call ends
                loop.schedule(System.nanoTime() + hour, () -> { }).cancel();
            }
            return loop.queuedTimers() - before;
        });
        assertTrue(grown <= 100, "10,000 cancelled one-hour timers left " + grown + " in the queue");
    }

    @Test
    void livePurgeKeepsTheTimersThatAreNotCancelled() throws Exception {
        AtomicInteger fired = new AtomicInteger();
        CompletableFuture<Void> done = new CompletableFuture<>();
        int queued = onLoop(loop -> {
            List<Reaper.Timer> cancelled = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                loop.schedule(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50), () -> {
                    if (fired.incrementAndGet() == 50) {
                        done.complete(null);
                    }
                });
            }
            for (int i = 0; i < 1_000; i++) {
                cancelled.add(loop.schedule(System.nanoTime() + TimeUnit.HOURS.toNanos(1), () -> fired.addAndGet(1000)));
            }
            cancelled.forEach(Reaper.Timer::cancel);
            return loop.queuedTimers();
        });
        assertTrue(queued < 1_000, "the purge ran: " + queued);
        done.get(10, TimeUnit.SECONDS);
        Thread.sleep(100);
        assertEquals(50, fired.get(), "every live timer fired once, no cancelled one did");
    }
}
