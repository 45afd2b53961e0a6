package dev.spawn.bench.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.spawn.Backend;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunnerOptionsTest {
    private static final List<Backend> DEFAULT = List.of(Backend.PROCESS_BUILDER, Backend.USERSPACE);

    @Test
    void defaultsComeFromThePreset() {
        RunnerOptions options = RunnerOptions.parse(Preset.AGENT_TOOLS_LIGHT, List.of(), DEFAULT);
        assertEquals(Preset.AGENT_TOOLS_LIGHT.defaultCalls(), options.calls());
        assertEquals(Split.DEFAULTS, options.splits());
        assertEquals(DEFAULT, options.backends());
    }

    @Test
    void parsesEveryOption() {
        RunnerOptions options = RunnerOptions.parse(Preset.AGENT_TOOLS, List.of("--calls", "64", "--splits=1x16,2x8",
                "--backends", "userspace,processbuilder", "--out", "/tmp/x", "--tool", "python3=/usr/bin/python3",
                "--keep-workspace", "--seed", "5", "--warmup", "0"), DEFAULT);
        assertEquals(64, options.calls());
        assertEquals(List.of(new Split(1, 16), new Split(2, 8)), options.splits());
        assertEquals(List.of(Backend.PROCESS_BUILDER, Backend.USERSPACE), options.backends(),
                "ProcessBuilder, the reference, runs first");
        assertEquals(Path.of("/tmp/x"), options.out());
        assertEquals(Path.of("/usr/bin/python3"), options.toolOverrides().get("python3"));
        assertEquals(5, options.seed());
        assertEquals(0, options.warmupCalls());
        assertEquals(true, options.keepWorkspace());
    }

    @Test
    void rejectsNonsense() {
        assertThrows(IllegalArgumentException.class,
                () -> RunnerOptions.parse(Preset.AGENT_TOOLS, List.of("--calls", "0"), DEFAULT));
        assertThrows(IllegalArgumentException.class,
                () -> RunnerOptions.parse(Preset.AGENT_TOOLS, List.of("--backends", "fork"), DEFAULT));
        assertThrows(IllegalArgumentException.class,
                () -> RunnerOptions.parse(Preset.AGENT_TOOLS, List.of("--frobnicate"), DEFAULT));
        assertThrows(IllegalArgumentException.class,
                () -> RunnerOptions.parse(Preset.AGENT_TOOLS, List.of("--calls"), DEFAULT));
    }
}
