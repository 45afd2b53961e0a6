package dev.spawn.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spawn.Backend;
import dev.spawn.SpawnTemplate;
import dev.spawn.Spawner;
import dev.spawn.linux.TestSupport;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A template dropped without close() gives its fd on the executable back once collected. */
class DroppedTemplateTest {
    @TempDir
    Path dir;

    @Test
    void aDroppedTemplatesFdIsClosedByTheCleaner() throws Exception {
        Path program = TestSupport.probeCopy(dir, "dropped-template-probe");
        String target = program.toString();
        dropTemplate(program);
        assertEquals(1, heldOn(target), "the template holds an fd on its executable");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (heldOn(target) > 0 && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(50);
        }
        assertEquals(0, heldOn(target));
    }

    /** In a method of its own, so that no frame of the test keeps the template reachable. */
    private static void dropTemplate(Path program) throws Exception {
        SpawnTemplate template = Spawner.using(Backend.USERSPACE).template(program);
        assertTrue(template.toString().contains(program.toString()), template.toString());
    }

    private static long heldOn(String target) {
        return ProcState.fds().values().stream().filter(target::equals).count();
    }
}
