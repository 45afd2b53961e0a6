package dev.spawn.bench.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ParentCpuCommandTest {
    @Test
    void parsesOptionsAndTheCommandAfterTheSeparator() {
        ParentCpuCommand.Options options = ParentCpuCommand.Options.parse(
                List.of("--warmup", "0", "--spawns", "5", "--builders", "spawn", "--", "echo", "hi"));
        assertEquals(0, options.warmup());
        assertEquals(5, options.spawns());
        assertEquals(List.of("spawn"), options.builders());
        assertEquals(List.of("echo", "hi"), options.command());
        assertEquals(List.of("true"), ParentCpuCommand.Options.parse(List.of()).command());
    }

    @Test
    void refusesBadOptionsNamingThem() {
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ParentCpuCommand.Options.parse(List.of("--spawns", "0"))).getMessage().contains("--spawns"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ParentCpuCommand.Options.parse(List.of("--builders", "fork"))).getMessage().contains("fork"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ParentCpuCommand.Options.parse(List.of("--warmup"))).getMessage().contains("needs a value"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ParentCpuCommand.Options.parse(List.of("--"))).getMessage().contains("no command"));
    }

    @Test
    void measuresBothBuildersInTheGivenOrder() throws Exception {
        List<ParentCpuCommand.Result> results = ParentCpuCommand.measure(
                ParentCpuCommand.Options.parse(List.of("--warmup", "2", "--spawns", "10")));
        assertEquals(List.of("processbuilder", "spawn"), results.stream().map(ParentCpuCommand.Result::builder).toList());
        for (ParentCpuCommand.Result result : results) {
            assertEquals(10, result.spawns());
            assertTrue(result.wallMicros() > 0 && result.cpuMicros() > 0, result.toString());
            assertTrue(result.threadCpuMicros() > 0 && result.threadCpuMicros() <= result.cpuMicros() * 1.05,
                    "the starting thread is part of the JVM: " + result);
        }
    }

    @Test
    void aFailingCommandFailsTheRun() {
        ParentCpuCommand.Options options = ParentCpuCommand.Options.parse(
                List.of("--warmup", "0", "--spawns", "1", "--builders", "spawn", "--", "false"));
        assertTrue(assertThrows(java.io.IOException.class, () -> ParentCpuCommand.measure(options)).getMessage()
                .contains("exited with 1"));
    }

    @Test
    void aBadOptionPrintsUsageAndReturnsTwo() throws Exception {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        int status = new ParentCpuCommand(new PrintStream(text, true, StandardCharsets.UTF_8))
                .run(List.of("--spawns", "x"));
        assertEquals(2, status);
        assertTrue(text.toString(StandardCharsets.UTF_8).contains("--spawns takes a number, not x"));
    }
}
