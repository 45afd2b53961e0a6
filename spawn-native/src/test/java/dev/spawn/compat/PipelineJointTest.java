package dev.spawn.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spawn.SpawnProcessBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How {@link SpawnProcessBuilder#startPipeline} joins stages on a native backend. */
class PipelineJointTest {

    @Test
    void stagesAreJoinedByOneKernelPipeWithNoThreadInBetween() throws Exception {
        List<Process> stages = SpawnProcessBuilder.startPipeline(List.of(new SpawnProcessBuilder("sleep", "30"),
                new SpawnProcessBuilder("sleep", "30"), new SpawnProcessBuilder("sleep", "30")));
        try {
            stages.forEach(Harness::checked);
            assertTrue(Thread.getAllStackTraces().keySet().stream()
                    .noneMatch(t -> t.getName().equals("spawn-pipeline-pump")), "a copying thread joins the stages");
            for (int i = 1; i < stages.size(); i++) {
                String written = fd(stages.get(i - 1), 1);
                assertTrue(written.startsWith("pipe:["), written);
                assertEquals(written, fd(stages.get(i), 0), "stage " + i + " does not read stage " + (i - 1) + "'s pipe");
            }
        } finally {
            for (Process stage : stages) {
                stage.destroyForcibly();
            }
            for (Process stage : stages) {
                stage.waitFor();
            }
        }
    }

    @Test
    void anUpstreamThatExitsAtOnceNeverFailsThePipeline() throws Exception {
        // printf may exit, and the reaper drain its pipe, while the next stage takes that pipe
        for (int i = 0; i < 300; i++) {
            List<Process> stages = SpawnProcessBuilder.startPipeline(List.of(
                    new SpawnProcessBuilder("printf", "round %s\\n", "" + i), new SpawnProcessBuilder("cat")));
            Process last = stages.get(1);
            assertEquals("round " + i + "\n", new String(last.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            for (Process stage : stages) {
                assertEquals(0, stage.waitFor(), "round " + i);
            }
        }
    }

    private static String fd(Process process, int fd) throws Exception {
        return Files.readSymbolicLink(Path.of("/proc/" + process.pid() + "/fd/" + fd)).toString();
    }
}
