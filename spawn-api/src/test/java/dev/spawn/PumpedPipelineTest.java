package dev.spawn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Stages on PROCESS_BUILDER (the only backend in this module's tests) are joined by a pump
 * thread rather than one pipe. Each chunk must reach the next stage as it comes, as through a
 * pipe: the JDK's stdin stream buffers 8 KiB, so a pump that did not flush held a line back
 * until its producer ended.
 */
class PumpedPipelineTest {
    @Test
    void aLineReachesTheNextStageWhileItsProducerRuns() throws Exception {
        List<Process> stages = SpawnProcessBuilder.startPipeline(List.of(
                new SpawnProcessBuilder("sh", "-c", "echo hello; exec sleep 30"),
                new SpawnProcessBuilder("cat")));
        try {
            assertEquals(Backend.PROCESS_BUILDER, ((SpawnedProcess) stages.get(1)).backend());
            BufferedReader last = new BufferedReader(
                    new InputStreamReader(stages.get(1).getInputStream(), StandardCharsets.UTF_8));
            assertEquals("hello", last.readLine());
            assertTrue(stages.get(0).isAlive(), "the line came only when its producer ended");
        } finally {
            for (Process stage : stages) {
                stage.destroyForcibly().waitFor();
            }
        }
    }
}
