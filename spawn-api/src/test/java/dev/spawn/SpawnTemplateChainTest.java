package dev.spawn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spawn.spi.Errno;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The backend rules of DESIGN.md, on backends whose failures are scripted. */
class SpawnTemplateChainTest {
    private static final Path TOOL = Path.of("/usr/bin/tool");

    private final FakeBackend kernel = new FakeBackend(Backend.KERNEL_TEMPLATE);
    private final FakeBackend userspace = new FakeBackend(Backend.USERSPACE);
    private final Spawner spawner = Spawner.withBackends(List.of(kernel, userspace));

    @Test
    void enoexecAtCreateMovesThatTemplateToTheNextBackend() throws IOException {
        kernel.createErrnos.add(Errno.ENOEXEC);
        try (SpawnTemplate template = spawner.template(TOOL)) {
            assertEquals(Backend.USERSPACE, template.backend());
            assertEquals(Backend.USERSPACE, template.spawn("tool").backend());
        }
        assertEquals(Map.of("KERNEL_TEMPLATE->USERSPACE (ENOEXEC)", 1L), spawner.stats().fallbacks());
        assertEquals(1L, spawner.stats().spawns(Backend.USERSPACE));
    }

    @Test
    void estaleAtSpawnRecreatesOnTheSameBackendAndRetries() throws IOException {
        kernel.spawnErrnos.add(Errno.ESTALE);
        try (SpawnTemplate template = spawner.template(TOOL)) {
            assertEquals(Backend.KERNEL_TEMPLATE, template.spawn("tool").backend());
            assertEquals(2, kernel.made.size());
            assertTrue(kernel.made.get(0).closed, "the stale template was not closed");
            assertEquals(1, kernel.made.get(1).spawns);
        }
        assertEquals(1L, spawner.stats().recreated());
        assertEquals(0L, spawner.stats().totalFallbacks());
    }

    @Test
    void eaccesAtSpawnIsTreatedAsStale() throws IOException {
        kernel.spawnErrnos.add(Errno.EACCES);
        try (SpawnTemplate template = spawner.template(TOOL)) {
            assertEquals(Backend.KERNEL_TEMPLATE, template.spawn("tool").backend());
        }
        assertEquals(1L, spawner.stats().recreated());
    }

    @Test
    void aRetryWhoseTemplateAnotherThreadsRecoveryReplacedRunsOnTheReplacement() throws Exception {
        kernel.spawnErrnos.add(Errno.ESTALE);
        try (SpawnTemplate template = spawner.template(TOOL)) {
            FutureTask<SpawnedProcess> other = new FutureTask<>(() -> template.spawn("tool"));
            AtomicBoolean started = new AtomicBoolean();
            kernel.beforeSpawn = () -> {
                // the retry, on the re-created template: another thread finds that one stale
                // too, and replaces and closes it first, which no lock held here may stop
                if (kernel.made.size() == 2 && started.compareAndSet(false, true)) {
                    kernel.spawnErrnos.add(Errno.ESTALE);
                    Thread thread = new Thread(other, "other-recovery");
                    thread.start();
                    joinWithin10s(thread);
                }
            };
            assertEquals(Backend.KERNEL_TEMPLATE, template.spawn("tool").backend());
            assertEquals(Backend.KERNEL_TEMPLATE, other.get(10, TimeUnit.SECONDS).backend());
            assertEquals(3, kernel.made.size());
            assertTrue(kernel.made.get(1).closed);
            assertEquals(0, kernel.made.get(1).spawns);
            assertEquals(2, kernel.made.get(2).spawns, "both spawns ran on the other thread's replacement");
        }
        assertEquals(2L, spawner.stats().recreated());
    }

    private static void joinWithin10s(Thread thread) {
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        assertFalse(thread.isAlive(), "the other thread's recovery waited for this thread's spawn");
    }

    @Test
    void aRecreateTheBackendCannotServeFallsBackToTheNextBackend() throws IOException {
        kernel.createErrnos.add(0);
        kernel.createErrnos.add(Errno.ENOEXEC);
        kernel.spawnErrnos.add(Errno.ESTALE);
        try (SpawnTemplate template = spawner.template(TOOL)) {
            assertEquals(Backend.USERSPACE, template.spawn("tool").backend());
            assertEquals(Backend.USERSPACE, template.backend());
            assertEquals(Backend.USERSPACE, template.spawn("tool").backend());
        }
        assertEquals(Map.of("KERNEL_TEMPLATE->USERSPACE (ENOEXEC)", 1L), spawner.stats().fallbacks());
        assertEquals(2L, spawner.stats().spawns(Backend.USERSPACE));
    }

    @Test
    void aRecreateThatFailsForAPassingReasonIsThrownAndTheTemplateKeepsItsBackend() throws IOException {
        kernel.createErrnos.add(0);
        kernel.createErrnos.add(Errno.EMFILE);
        kernel.spawnErrnos.add(Errno.ESTALE);
        kernel.spawnErrnos.add(Errno.ESTALE);
        try (SpawnTemplate template = spawner.template(TOOL)) {
            SpawnException thrown = assertThrows(SpawnException.class, () -> template.spawn("tool"));
            assertEquals(Errno.EMFILE, thrown.errno());
            assertEquals(Errno.ESTALE, ((SpawnException) thrown.getSuppressed()[0]).errno());
            assertEquals(Backend.KERNEL_TEMPLATE, template.backend());
            assertFalse(kernel.made.get(0).closed, "the stale template must stay until it is replaced");
            // the next spawn finds it stale again, and this time the re-create works
            assertEquals(Backend.KERNEL_TEMPLATE, template.spawn("tool").backend());
            assertTrue(kernel.made.get(0).closed);
        }
        assertEquals(0L, spawner.stats().totalFallbacks());
        assertEquals(1L, spawner.stats().recreated());
        assertTrue(userspace.made.isEmpty(), "nothing may be created on the next backend");
    }

    @Test
    void aStormOfReplacementsIsThrownWithoutDemotingTheTemplate() throws IOException {
        for (int i = 0; i < 20; i++) {
            kernel.spawnErrnos.add(Errno.ESTALE);
        }
        try (SpawnTemplate template = spawner.template(TOOL)) {
            SpawnException thrown = assertThrows(SpawnException.class, () -> template.spawn("tool"));
            assertEquals(Errno.ESTALE, thrown.errno());
            assertEquals(Backend.KERNEL_TEMPLATE, template.backend());
        }
        assertEquals(0L, spawner.stats().totalFallbacks());
        assertTrue(userspace.made.isEmpty(), "nothing may be created on the next backend");
    }

    @Test
    void aFailureInTheChildIsNeverRetried() throws IOException {
        kernel.spawnStage = SpawnException.Stage.EXEC;
        kernel.spawnErrnos.add(Errno.EACCES);
        try (SpawnTemplate template = spawner.template(TOOL)) {
            SpawnException e = assertThrows(SpawnException.class, () -> template.spawn("tool"));
            assertEquals("EACCES", e.errnoName());
            assertTrue(e.inChild());
        }
        assertEquals(1, kernel.made.size());
        assertEquals(0L, spawner.stats().recreated());
    }

    @Test
    void anEaccesOrEstaleFromTheRequestsOwnSetupIsThrownAtOnce() throws IOException {
        kernel.setupFailure = true;
        kernel.spawnErrnos.add(Errno.EACCES);
        kernel.spawnErrnos.add(Errno.ESTALE);
        try (SpawnTemplate template = spawner.template(TOOL)) {
            assertEquals("EACCES", assertThrows(SpawnException.class, () -> template.spawn("tool")).errnoName());
            assertEquals("ESTALE", assertThrows(SpawnException.class, () -> template.spawn("tool")).errnoName());
            assertEquals(Backend.KERNEL_TEMPLATE, template.spawn("tool").backend());
        }
        assertEquals(1, kernel.made.size(), "a redirect file the caller cannot open says nothing of the template");
        assertEquals(0L, spawner.stats().recreated());
    }

    @Test
    void otherCreateErrorsAreTheCallersAndAreThrown() {
        kernel.createErrnos.add(Errno.ENAMETOOLONG);
        SpawnException e = assertThrows(SpawnException.class, () -> spawner.template(TOOL));
        assertEquals(Errno.ENAMETOOLONG, e.errno());
        assertTrue(userspace.made.isEmpty());
    }

    @Test
    void enoexecOnTheLastBackendIsThrown() {
        kernel.createErrnos.add(Errno.ENOEXEC);
        userspace.createErrnos.add(Errno.ENOEXEC);
        SpawnException e = assertThrows(SpawnException.class, () -> spawner.template(TOOL));
        assertEquals("ENOEXEC", e.errnoName());
        assertTrue(e.getMessage().startsWith("Cannot run program \"/usr/bin/tool\": create: ENOEXEC"), e.getMessage());
    }

    @Test
    void aClosedTemplateRefusesToSpawn() throws IOException {
        SpawnTemplate template = spawner.template(TOOL);
        template.close();
        template.close();
        assertTrue(kernel.made.get(0).closed);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> template.spawn("tool"));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    @Test
    void aTemplateClosedDuringASpawnSaysSo() throws IOException {
        SpawnTemplate template = spawner.template(TOOL);
        kernel.beforeSpawn = template::close;
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> template.spawn("tool"));
        assertTrue(e.getMessage().contains("template for /usr/bin/tool was closed during the spawn"), e.getMessage());
    }

    @Test
    void aTemplateClosedDuringARecoverysSpawnSaysSo() throws IOException {
        kernel.spawnErrnos.add(Errno.ESTALE);
        SpawnTemplate template = spawner.template(TOOL);
        kernel.beforeSpawn = () -> {
            if (kernel.made.size() == 2) {
                template.close();
            }
        };
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> template.spawn("tool"));
        assertTrue(e.getMessage().contains("template for /usr/bin/tool was closed during the spawn"), e.getMessage());
        assertTrue(kernel.made.get(1).closed);
    }

    @Test
    void aReplacedToolThatIsGoneAtTheRecreateIsNoSuchFileAndSaysWhyItWasRecreated() throws IOException {
        kernel.spawnErrnos.add(Errno.ESTALE);
        try (SpawnTemplate template = spawner.template(TOOL)) {
            kernel.createErrnos.add(Errno.ENOENT);
            java.nio.file.NoSuchFileException e = assertThrows(java.nio.file.NoSuchFileException.class,
                    () -> template.spawn("tool"));
            assertEquals(1, e.getSuppressed().length);
            assertEquals("ESTALE", ((SpawnException) e.getSuppressed()[0]).errnoName());
        }
    }

    @Test
    void relativeAndNulPathsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> spawner.template(Path.of("bin/tool")));
        assertThrows(IllegalArgumentException.class, () -> spawner.template(-1));
        assertTrue(kernel.made.isEmpty());
    }

    @Test
    void aForcedUnavailableBackendSaysWhy() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Spawner.using(Backend.KERNEL_TEMPLATE));
        assertTrue(e.getMessage().contains("KERNEL_TEMPLATE is unavailable"), e.getMessage());
    }

    @Test
    void aSpawnerOverNoAvailableBackendIsRefusedWithEachCause() {
        // spawn-api alone: the native backends are not on this module's class path
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Spawner.of(Backend.KERNEL_TEMPLATE, Backend.USERSPACE));
        assertTrue(e.getMessage().contains("no spawn backend of"), e.getMessage());
        assertTrue(e.getMessage().contains("USERSPACE=not on the class path"), e.getMessage());
        assertThrows(IllegalArgumentException.class, Spawner::of);
    }

    @Test
    void theProcessBuilderBackendIsAlwaysLast() {
        Spawner chain = Spawner.of(Backend.values());
        assertEquals(Backend.PROCESS_BUILDER, chain.backends().get(chain.backends().size() - 1));
        assertFalse(chain.unavailableBackends().containsKey(Backend.PROCESS_BUILDER));
        assertSame(Backend.PROCESS_BUILDER, Spawner.using(Backend.PROCESS_BUILDER).preferredBackend());
    }
}
