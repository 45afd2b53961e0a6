package dev.spawn.bench.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Both kinds of worker, JVM and C driver, report a long warm-up as it goes. */
class WarmupProgressTest {
    private static final Path DRIVER = Path.of("..").resolve(CDriver.BUILD_OUTPUT).toAbsolutePath().normalize();

    @Test
    void countsOverTheBatchesAndSaysOnlyWhatMoved() {
        List<String> sent = new ArrayList<>();
        WarmupProgress progress = new WarmupProgress(sent::add);
        progress.started(0);
        progress.started(3);
        progress.started(3);
        progress.batchDone(4);
        progress.started(1);
        assertEquals(List.of("WARMING 3", "WARMING 5"), sent);
    }

    @ParameterizedTest
    @EnumSource(value = Engine.class, names = {"USERSPACE", "C"})
    void aWorkerSaysHowManyWarmUpCallsItHasStartedBeforeReady(Engine engine, @TempDir Path dir) throws Exception {
        Path workspace = Files.createDirectories(dir.resolve("ws"));
        List<CallSpec> calls = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            calls.add(new CallSpec(i, Tool.SH, List.of("-c", "sleep 0.6")));
        }
        Path callsFile = dir.resolve("calls.tsv");
        CallFile.write(callsFile, calls, Map.of("sh", new ResolvedTool("sh", Path.of("/bin/sh"), Path.of("/bin/sh"),
                null, null)));
        List<String> command = new SplitRun(callsFile, callsFile, workspace, dir, List.of(), DRIVER, "spawn", false,
                new Workers()).command(engine, new Split(1, 1), 0);
        Process worker = new ProcessBuilder(command).redirectError(dir.resolve("worker.log").toFile()).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(worker.getInputStream(),
                StandardCharsets.UTF_8))) {
            List<Long> warming = new ArrayList<>();
            String line = out.readLine();
            for (; line != null && line.startsWith("@@ WARMING "); line = out.readLine()) {
                warming.add(Long.parseLong(line.substring("@@ WARMING ".length())));
            }
            assertEquals("@@ READY", line, Files.readString(dir.resolve("worker.log")));
            assertFalse(warming.isEmpty(), "3 s of warm-up calls said nothing");
            for (int i = 0; i < warming.size(); i++) {
                assertTrue(warming.get(i) > (i == 0 ? 0 : warming.get(i - 1)) && warming.get(i) <= 5, "" + warming);
            }
            OutputStream in = worker.getOutputStream();
            in.write("GO\n".getBytes(StandardCharsets.US_ASCII));
            in.flush();
            while ((line = out.readLine()) != null && !line.equals("@@ END")) {
                assertFalse(line.startsWith("@@ WARMING"), "the timed calls send no progress: " + line);
            }
            assertEquals("@@ END", line);
        } finally {
            worker.destroyForcibly();
            worker.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
