package dev.spawn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.lang.ProcessBuilder.Redirect;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The builder's own contract, side by side with ProcessBuilder's (no child is started). */
class SpawnProcessBuilderApiTest {
    /**
     * What {@code action} threw, as class and message, or "ok". A NullPointerException's
     * message is the JVM's description of the code that threw it, so only its class counts.
     */
    private static String outcome(Runnable action) {
        try {
            action.run();
            return "ok";
        } catch (NullPointerException e) {
            return e.getClass().getName();
        } catch (RuntimeException e) {
            return e.getClass().getName() + ": " + e.getMessage();
        }
    }

    @Test
    void commandListIsKeptNotCopied() {
        List<String> command = new ArrayList<>(List.of("echo"));
        SpawnProcessBuilder builder = new SpawnProcessBuilder(command);
        assertSame(command, builder.command());
        command.add("x");
        assertEquals(List.of("echo", "x"), builder.command());
        List<String> other = new ArrayList<>();
        assertSame(other, builder.command(other).command());
        builder.command("a", "b").command().add("c");
        assertEquals(List.of("a", "b", "c"), builder.command());
        assertEquals(outcome(() -> new ProcessBuilder((List<String>) null)),
                outcome(() -> new SpawnProcessBuilder((List<String>) null)));
        assertEquals(outcome(() -> new ProcessBuilder().command((List<String>) null)),
                outcome(() -> new SpawnProcessBuilder().command((List<String>) null)));
    }

    @Test
    void redirectsLikeProcessBuilder() {
        ProcessBuilder jdk = new ProcessBuilder();
        SpawnProcessBuilder spawn = new SpawnProcessBuilder();
        assertEquals(jdk.redirectInput(), spawn.redirectInput());
        assertEquals(jdk.redirectOutput(), spawn.redirectOutput());
        assertEquals(jdk.redirectError(), spawn.redirectError());
        assertSame(Redirect.PIPE, spawn.redirectOutput());
        File file = new File("some/file");
        for (Redirect redirect : List.of(Redirect.PIPE, Redirect.INHERIT, Redirect.DISCARD, Redirect.from(file),
                Redirect.to(file), Redirect.appendTo(file))) {
            assertEquals(outcome(() -> jdk.redirectInput(redirect)), outcome(() -> spawn.redirectInput(redirect)));
            assertEquals(outcome(() -> jdk.redirectOutput(redirect)), outcome(() -> spawn.redirectOutput(redirect)));
            assertEquals(outcome(() -> jdk.redirectError(redirect)), outcome(() -> spawn.redirectError(redirect)));
            assertEquals(jdk.redirectInput(), spawn.redirectInput());
            assertEquals(jdk.redirectOutput(), spawn.redirectOutput());
            assertEquals(jdk.redirectError(), spawn.redirectError());
        }
        assertEquals(outcome(() -> jdk.redirectInput((Redirect) null)).split(":")[0],
                outcome(() -> spawn.redirectInput((Redirect) null)).split(":")[0]);
        spawn.redirectInput(file).redirectOutput(file).redirectError(file);
        assertEquals(Redirect.from(file), spawn.redirectInput());
        assertEquals(Redirect.to(file), spawn.redirectOutput());
        assertEquals(Redirect.to(file), spawn.redirectError());
        spawn.inheritIO();
        assertEquals(List.of(Redirect.INHERIT, Redirect.INHERIT, Redirect.INHERIT),
                List.of(spawn.redirectInput(), spawn.redirectOutput(), spawn.redirectError()));
        assertEquals(false, spawn.redirectErrorStream());
        assertTrue(spawn.redirectErrorStream(true).redirectErrorStream());
        File directory = new File("x");
        assertSame(directory, spawn.directory(directory).directory());
        assertEquals(null, spawn.directory(null).directory());
    }

    @Test
    void environmentMapBehavesAsProcessBuilders() {
        Map<String, String> jdk = new ProcessBuilder().environment();
        Map<String, String> spawn = new SpawnProcessBuilder().environment();
        assertEquals(jdk, spawn);
        SpawnProcessBuilder builder = new SpawnProcessBuilder();
        assertSame(builder.environment(), builder.environment());
        List<Consumer<Map<String, String>>> operations = List.of(
                m -> m.put("A=B", "x"), m -> m.put("A\0", "x"), m -> m.put("A", "x\0"), m -> m.put(null, "x"),
                m -> m.put("A", null), m -> m.put("", "empty name"), m -> m.get(1), m -> m.get(null),
                m -> m.containsKey(2), m -> m.containsValue(3), m -> m.remove(4), m -> m.remove("PATH"),
                m -> m.keySet().add("x"), m -> m.values().add("x"), m -> m.keySet().remove("HOME"),
                m -> m.entrySet().iterator().next().setValue("bad\0"), m -> m.put("K", "v"),
                m -> m.entrySet().stream().filter(e -> e.getKey().equals("K")).findFirst().get().setValue("ok"),
                m -> m.values().remove("ok"), m -> m.putAll(Map.of("P", "1", "Q", "2")), m -> m.keySet().contains(5),
                m -> m.entrySet().removeIf(e -> e.getKey().startsWith("Q")),
                // queries take any string: only put and setValue check names and values
                m -> m.get("A=B"), m -> m.containsKey("A\0"), m -> m.remove("A=B"), m -> m.containsValue("v\0"),
                m -> m.keySet().contains("A=B"), m -> m.keySet().remove("X\0"), m -> m.values().contains("v\0"),
                m -> m.values().remove("v\0"), m -> m.entrySet().contains(Map.entry("A=B", "x")),
                m -> m.entrySet().remove(Map.entry("A", "x\0")), Map::clear, m -> m.put("Z", "last"));
        for (int i = 0; i < operations.size(); i++) {
            Consumer<Map<String, String>> operation = operations.get(i);
            assertEquals(outcome(() -> operation.accept(jdk)), outcome(() -> operation.accept(spawn)), "operation #" + i);
            assertEquals(jdk, spawn, "after operation #" + i);
            assertEquals(new java.util.HashMap<>(spawn).hashCode(), spawn.hashCode(), "Map.hashCode contract");
        }
        Function<Map<String, String>, String> view = m -> m.entrySet().iterator().next().toString();
        assertEquals(view.apply(jdk), view.apply(spawn));
    }

    @Test
    void startChecksBeforeAnyChild() {
        assertEquals(outcome(() -> {
            try {
                new ProcessBuilder().start();
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }), outcome(() -> {
            try {
                new SpawnProcessBuilder().start();
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }));
        assertEquals(outcome(() -> {
            try {
                ProcessBuilder.startPipeline(List.of(new ProcessBuilder("a").redirectOutput(Redirect.DISCARD),
                        new ProcessBuilder("b")));
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }), outcome(() -> {
            try {
                SpawnProcessBuilder.startPipeline(List.of(
                        new SpawnProcessBuilder("a").redirectOutput(Redirect.DISCARD), new SpawnProcessBuilder("b")));
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }));
    }
}
