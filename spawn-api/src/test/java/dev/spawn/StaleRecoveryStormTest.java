package dev.spawn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spawn.spi.BackendTemplate;
import dev.spawn.spi.Errno;
import dev.spawn.spi.SpawnBackend;
import dev.spawn.spi.StaleTemplateException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A storm of replacements seen by two threads: the template is stale every time (each create
 * succeeds, each spawn says ESTALE), and the two threads' recoveries interleave so that each one
 * replaces and closes the template the other's retry is about to use. Each spawn() call must
 * still end after its bounded number of re-creates with ESTALE, not restart its recovery with a
 * fresh budget each time it finds its template replaced (once: 100 re-creates in one call, or a
 * StackOverflowError with no other limit).
 */
class StaleRecoveryStormTest {
    /** Strict alternation of two threads; a party that waits over 300 ms goes on alone. */
    static final class Baton {
        private String turn = "A";
        private final java.util.Set<String> done = ConcurrentHashMap.newKeySet();

        synchronized void awaitTurn(String me) throws InterruptedException {
            long deadline = System.nanoTime() + 300_000_000L;
            while (!turn.equals(me) && !done.contains(other(me))) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                wait(left / 1_000_000 + 1);
            }
            turn = me;
        }

        synchronized void pass(String me) throws InterruptedException {
            turn = other(me);
            notifyAll();
            awaitTurn(me);
        }

        synchronized void finish(String me) {
            done.add(me);
            turn = other(me);
            notifyAll();
        }

        static String other(String me) {
            return me.equals("A") ? "B" : "A";
        }
    }

    final Baton baton = new Baton();
    final Map<String, AtomicInteger> createsBy = new ConcurrentHashMap<>();
    final AtomicInteger creates = new AtomicInteger();
    volatile int limit;
    final ThreadLocal<int[]> spawnsHere = ThreadLocal.withInitial(() -> new int[1]);

    final class StaleForever implements SpawnBackend {
        @Override
        public Backend kind() {
            return Backend.KERNEL_TEMPLATE;
        }

        @Override
        public Throwable unavailabilityCause() {
            return null;
        }

        @Override
        public BackendTemplate create(Path executable) throws IOException {
            if (creates.incrementAndGet() > limit) {
                throw new SpawnException(SpawnException.Stage.CREATE, Errno.EMFILE, executable.toString(), null,
                        "create", -1, null, null);
            }
            createsBy.computeIfAbsent(Thread.currentThread().getName(), k -> new AtomicInteger()).incrementAndGet();
            return new T();
        }

        @Override
        public BackendTemplate create(int fd) throws IOException {
            throw new UnsupportedOperationException();
        }

        final class T implements BackendTemplate {
            volatile boolean closed;

            @Override
            public Backend kind() {
                return Backend.KERNEL_TEMPLATE;
            }

            @Override
            public SpawnedProcess spawn(SpawnRequest request) throws IOException {
                String me = Thread.currentThread().getName();
                if (me.equals("A") || me.equals("B")) {
                    // the "setup" of every second spawn of a thread is slow: the other runs meanwhile
                    if (++spawnsHere.get()[0] % 2 == 0) {
                        try {
                            baton.pass(me);
                        } catch (InterruptedException e) {
                            throw new IOException(e);
                        }
                    }
                }
                if (closed) {
                    throw new IllegalStateException("closed");
                }
                throw new StaleTemplateException(Errno.ESTALE, "/fake", null, "spawn", null);
            }

            @Override
            public void close() {
                closed = true;
            }
        }
    }

    private Throwable[] runBoth(SpawnTemplate template, long stack) throws InterruptedException {
        Throwable[] thrown = new Throwable[2];
        Thread[] threads = new Thread[2];
        for (int i = 0; i < 2; i++) {
            int index = i;
            String name = i == 0 ? "A" : "B";
            threads[i] = new Thread(null, () -> {
                try {
                    baton.awaitTurn(name);
                    template.spawn("tool");
                } catch (Throwable t) {
                    thrown[index] = t;
                } finally {
                    baton.finish(name);
                }
            }, name, stack);
        }
        threads[0].start();
        threads[1].start();
        threads[0].join(60_000);
        threads[1].join(60_000);
        return thrown;
    }

    @Test
    void oneSpawnCallReCreatesAtMostEightTimesWhateverTheOtherThreadDoes() throws Exception {
        limit = 200;
        Spawner spawner = Spawner.withBackends(List.of(new StaleForever()));
        SpawnTemplate template = spawner.template(Path.of("/usr/bin/tool"));
        createsBy.clear();
        Throwable[] thrown = runBoth(template, 0);
        assertTrue(thrown[0] instanceof StaleTemplateException && thrown[1] instanceof StaleTemplateException,
                "both end with ESTALE: A=" + thrown[0] + " B=" + thrown[1]);
        createsBy.forEach((thread, n) -> assertTrue(n.get() <= 8,
                "one spawn() call in thread " + thread + " re-created the template " + n + " times"));
    }

    @Test
    void withNoOtherLimitTheRetriesStillEnd() throws Exception {
        limit = Integer.MAX_VALUE;
        Spawner spawner = Spawner.withBackends(List.of(new StaleForever()));
        SpawnTemplate template = spawner.template(Path.of("/usr/bin/tool"));
        Throwable[] thrown = runBoth(template, 256 * 1024);
        assertTrue(thrown[0] instanceof StaleTemplateException && thrown[1] instanceof StaleTemplateException,
                "both end with ESTALE after " + creates + " creates: A=" + thrown[0] + " B=" + thrown[1]);
    }
}
