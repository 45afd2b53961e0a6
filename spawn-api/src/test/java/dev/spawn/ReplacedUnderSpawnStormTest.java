package dev.spawn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spawn.spi.BackendTemplate;
import dev.spawn.spi.ChildOptionSupport;
import dev.spawn.spi.Errno;
import dev.spawn.spi.SpawnBackend;
import dev.spawn.spi.StaleTemplateException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * One slow spawn whose template other callers' recoveries replace and close under it, once per
 * other caller: each other caller's first spawn finds the template stale, re-creates it and
 * succeeds. The slow spawn retries on each replacement, but at most {@code MAX_RECREATES} (8)
 * times in one call, on the live template ({@code run}) and on a moved one ({@code runMoved}, a
 * request whose child options the first backend cannot apply) alike; once it retried there
 * without limit, once per other caller, and enough callers overflowed its stack.
 */
class ReplacedUnderSpawnStormTest {
    private static final Path TOOL = Path.of("/usr/bin/tool");
    private static final SpawnRequest PLAIN = SpawnRequest.builder("tool").build();
    private static final SpawnRequest MOVED = SpawnRequest.builder("tool").newSession().build();

    private final AtomicInteger othersLeft = new AtomicInteger();
    private final AtomicInteger slowAttempts = new AtomicInteger();
    private final AtomicInteger othersFailed = new AtomicInteger();
    private final ThreadLocal<int[]> spawnsHere = ThreadLocal.withInitial(() -> new int[1]);
    private volatile SpawnTemplate template;
    private volatile SpawnRequest othersRequest;

    /** A backend whose templates apply {@code options}; every spawn goes to {@link #spawnOn}. */
    private final class Backend0 implements SpawnBackend {
        private final Backend kind;
        private final Set<ChildOption> options;

        Backend0(Backend kind, Set<ChildOption> options) {
            this.kind = kind;
            this.options = options;
        }

        @Override
        public Backend kind() {
            return kind;
        }

        @Override
        public Throwable unavailabilityCause() {
            return null;
        }

        @Override
        public BackendTemplate create(Path executable) {
            return new Made(kind, options);
        }

        @Override
        public BackendTemplate create(int fd) {
            throw new UnsupportedOperationException();
        }
    }

    private final class Made implements BackendTemplate, ChildOptionSupport {
        private final Backend kind;
        private final Set<ChildOption> options;
        volatile boolean closed;

        Made(Backend kind, Set<ChildOption> options) {
            this.kind = kind;
            this.options = options;
        }

        @Override
        public Backend kind() {
            return kind;
        }

        @Override
        public Set<ChildOption> supportedChildOptions() {
            return options;
        }

        @Override
        public SpawnedProcess spawn(SpawnRequest request) throws IOException {
            if (Thread.currentThread().getName().startsWith("other")) {
                // another caller: stale at its first spawn (it replaces and closes this template),
                // served by the re-created one
                if (spawnsHere.get()[0]++ == 0) {
                    throw new StaleTemplateException(Errno.ESTALE, "/fake", null, "spawn", null);
                }
                return new FakeBackend.Finished(kind);
            }
            slowAttempts.incrementAndGet();
            // the slow spawn's setup (a FIFO, say) lasts while another caller spawns
            if (othersLeft.getAndDecrement() > 0) {
                Thread other = new Thread(() -> {
                    try {
                        template.spawn(othersRequest);
                    } catch (IOException | RuntimeException e) {
                        othersFailed.incrementAndGet();
                    }
                }, "other");
                other.start();
                try {
                    other.join(10_000);
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
                assertFalse(other.isAlive(), "another caller's spawn did not end");
            }
            if (closed) {
                throw new IllegalStateException("fd 7 is closed");
            }
            return new FakeBackend.Finished(kind);
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private SpawnTemplate templateOverKernelAndUserspace() throws IOException {
        Spawner spawner = Spawner.withBackends(List.of(new Backend0(Backend.KERNEL_TEMPLATE, Set.of()),
                new Backend0(Backend.USERSPACE, EnumSet.allOf(ChildOption.class))));
        return spawner.template(TOOL);
    }

    private void assertGivesUpAfterEightRetries(SpawnRequest request) throws IOException {
        othersLeft.set(200);
        othersRequest = request;
        template = templateOverKernelAndUserspace();
        try {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> template.spawn(request));
            assertEquals(9, slowAttempts.get(), "one spawn() call was tried " + slowAttempts + " times");
            assertTrue(e.getMessage().contains("was replaced under the spawn 8 times"), e.getMessage());
            assertInstanceOf(IllegalStateException.class, e.getCause());
            assertEquals("fd 7 is closed", e.getCause().getMessage());
            assertEquals(0, othersFailed.get());
            // the template is not closed: the next spawn is served
            othersLeft.set(0);
            assertEquals(request == MOVED ? Backend.USERSPACE : Backend.KERNEL_TEMPLATE,
                    template.spawn(request).backend());
        } finally {
            template.close();
        }
    }

    @Test
    void aSpawnOnAMovedTemplateRetriesItsReplacementsABoundedNumberOfTimes() throws IOException {
        assertGivesUpAfterEightRetries(MOVED);
    }

    @Test
    void aSpawnOnTheLiveTemplateGivesUpSayingItWasReplacedNotThatAnFdIsClosed() throws IOException {
        assertGivesUpAfterEightRetries(PLAIN);
    }

    @Test
    void aFewReplacementsUnderAMovedSpawnAreRetriedOnTheReplacement() throws IOException {
        othersLeft.set(3);
        othersRequest = MOVED;
        template = templateOverKernelAndUserspace();
        try {
            assertEquals(Backend.USERSPACE, template.spawn(MOVED).backend());
            assertEquals(4, slowAttempts.get());
            assertEquals(0, othersFailed.get());
        } finally {
            template.close();
        }
    }
}
