package dev.spawn.bench.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CallMixTest {
    private static final List<Tool> ALL = Preset.AGENT_TOOLS.tools();

    @Test
    void sameSeedGivesTheSameCalls() {
        assertEquals(CallMix.generate(7, 500, ALL), CallMix.generate(7, 500, ALL));
    }

    @Test
    void aCallDependsOnlyOnSeedAndIndexNotOnTheCount() {
        List<CallSpec> many = CallMix.generate(7, 500, ALL);
        assertEquals(many.subList(0, 100), CallMix.generate(7, 100, ALL));
    }

    @Test
    void anotherSeedGivesOtherCalls() {
        assertNotEquals(CallMix.generate(7, 100, ALL), CallMix.generate(8, 100, ALL));
    }

    @Test
    void indexesRunFromZero() {
        List<CallSpec> calls = CallMix.generate(1, 50, ALL);
        for (int i = 0; i < calls.size(); i++) {
            assertEquals(i, calls.get(i).index());
        }
    }

    @Test
    void usesEveryToolOfTheMixAndNoOther() {
        List<Tool> light = Preset.AGENT_TOOLS_LIGHT.tools();
        assertTrue(!light.contains(Tool.PYTHON) && !light.contains(Tool.NODE));
        Set<Tool> used = CallMix.generate(3, 2000, light).stream().map(CallSpec::tool)
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(Tool.class)));
        assertEquals(EnumSet.copyOf(light), used);
    }

    @Test
    void warmupCallsEveryToolFirst() {
        List<CallSpec> warmup = CallMix.warmup(3, 4, ALL);
        assertEquals(ALL.size(), warmup.size());
        for (int i = 0; i < ALL.size(); i++) {
            assertEquals(ALL.get(i), warmup.get(i).tool());
        }
    }

    @Test
    void everyFileACallNamesExistsInTheFixture(@TempDir Path dir) throws Exception {
        try (Fixture fixture = Fixture.create(dir.resolve("ws"), 3, null)) {
            for (CallSpec call : CallMix.generate(3, 3000, ALL)) {
                for (String arg : call.args()) {
                    if (arg.matches("(src|docs|data|logs)/[^ ]*") || arg.equals(FixtureLayout.README)) {
                        assertTrue(Files.exists(fixture.root().resolve(arg)), call.describe() + ": " + arg);
                    }
                }
            }
        }
    }

    @Test
    void fixtureIsTheSameForTheSameSeed(@TempDir Path dir) throws Exception {
        try (Fixture a = Fixture.create(dir.resolve("a"), 9, null);
                Fixture b = Fixture.create(dir.resolve("b"), 9, null)) {
            for (String file : List.of(FixtureLayout.module(3, 4), FixtureLayout.BIG_FILE, FixtureLayout.table(1))) {
                assertEquals(Files.readString(a.root().resolve(file)), Files.readString(b.root().resolve(file)));
            }
            assertTrue(Files.size(a.root().resolve(FixtureLayout.BIG_FILE)) > 200_000);
        }
        assertTrue(!Files.exists(dir.resolve("a")), "close() removes the workspace");
    }
}
