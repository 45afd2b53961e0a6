package dev.spawn.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import dev.spawn.Backend;
import dev.spawn.SpawnRequest;
import dev.spawn.SpawnTemplate;
import dev.spawn.SpawnedProcess;
import dev.spawn.Spawner;
import java.io.IOException;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A child nobody waits for stays a zombie until the event loop's sweep takes it (50-75 ms after
 * the spawn); isAlive, exitValue and toString see its exit before that, as ProcessBuilder's
 * reaper, which reaps at once, lets them.
 */
class ExitVisibilityTest {
    private SpawnTemplate probe;

    @BeforeEach
    void open() throws IOException {
        probe = Spawner.using(Backend.USERSPACE).template(TestSupport.probePath());
    }

    @AfterEach
    void close() {
        probe.close();
    }

    @Test
    void isAliveSeesAnExitTheLoopHasNotReaped() throws Exception {
        onUnreapedExit(child -> assertFalse(child.isAlive()));
    }

    @Test
    void exitValueSeesAnExitTheLoopHasNotReaped() throws Exception {
        onUnreapedExit(child -> assertEquals(3, child.exitValue()));
    }

    @Test
    void toStringSeesAnExitTheLoopHasNotReaped() throws Exception {
        onUnreapedExit(child -> assertEquals("SpawnedProcess[pid=" + child.pid() + ", USERSPACE, exitValue=3]",
                child.toString()));
    }

    /**
     * Runs {@code check} on a child that exited and is still a zombie; a child the loop's sweep
     * reaped first (a slow machine) is replaced by another, a few times.
     */
    private void onUnreapedExit(Consumer<SpawnedProcess> check) throws Exception {
        for (int attempt = 0; attempt < 20; attempt++) {
            SpawnedProcess child = probe.spawn(SpawnRequest.builder("p", "exit", "3").build());
            try {
                if (TestSupport.awaitZombie(child.pid())) {
                    check.accept(child);
                    return;
                }
            } finally {
                child.waitFor();
            }
        }
        fail("the loop reaped every child before it could be seen as a zombie");
    }
}
