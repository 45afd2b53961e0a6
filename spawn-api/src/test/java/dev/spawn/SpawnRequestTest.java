package dev.spawn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpawnRequestTest {

    @Test
    void defaultsAreProcessBuilders() {
        SpawnRequest request = SpawnRequest.builder("rg", "-n").build();
        assertEquals(List.of("rg", "-n"), request.args());
        assertNull(request.environment());
        assertNull(request.directory());
        assertEquals(Stdio.pipe(), request.stdin());
        assertEquals(Stdio.pipe(), request.stdout());
        assertEquals(Stdio.pipe(), request.stderr());
        assertTrue(request.actions().isEmpty());
    }

    @Test
    void badInputIsRejectedWithTheValueNamed() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SpawnRequest.builder().build())
                .getMessage().contains("argv is empty"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SpawnRequest.builder("a", "b\0c"))
                .getMessage().contains("argv[1]"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> SpawnRequest.builder("a").environment(Map.of("A=B", "c"))).getMessage().contains("A=B"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> SpawnRequest.builder("a").environment(Map.of("A", "x\0"))).getMessage().contains("NUL"));
        assertThrows(IllegalArgumentException.class, () -> SpawnRequest.builder("a").environment(Map.of("", "x")));
        assertThrows(IllegalArgumentException.class, () -> SpawnRequest.builder("a").stdin(Stdio.writeTo(Path.of("/x"))));
        assertThrows(IllegalArgumentException.class, () -> SpawnRequest.builder("a").stdout(Stdio.toStdout()));
        assertThrows(IllegalArgumentException.class, () -> SpawnRequest.builder("a").stderr(Stdio.readFrom(Path.of("/x"))));
        assertThrows(NullPointerException.class, () -> SpawnRequest.builder("a", null));
    }

    @Test
    void pathsOfAnotherFileSystemAreRefusedAsNoChildCanSeeThem(@TempDir Path dir) throws Exception {
        try (FileSystem zip = FileSystems.newFileSystem(dir.resolve("a.zip"), Map.of("create", "true"))) {
            Path inZip = zip.getPath("/tmp");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> SpawnRequest.builder("a").directory(inZip));
            assertTrue(e.getMessage().contains("not on the default file system (jar)"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> Stdio.readFrom(inZip));
            assertThrows(IllegalArgumentException.class, () -> Stdio.writeTo(inZip));
            assertThrows(IllegalArgumentException.class, () -> Stdio.appendTo(inZip));
            assertThrows(IllegalArgumentException.class, () -> Spawner.of(Backend.PROCESS_BUILDER).template(inZip));
        }
    }

    @Test
    void anotherChildsStdoutCanOnlyBeStdin() {
        SpawnedProcess upstream = new FakeBackend.Finished(Backend.USERSPACE);
        Stdio joined = Stdio.stdoutOf(upstream);
        assertEquals(Stdio.Kind.UPSTREAM, joined.kind());
        assertEquals(upstream, joined.upstream());
        assertEquals(joined, SpawnRequest.builder("a").stdin(joined).build().stdin());
        assertThrows(IllegalArgumentException.class, () -> SpawnRequest.builder("a").stdout(joined));
        assertThrows(IllegalArgumentException.class, () -> SpawnRequest.builder("a").stderr(joined));
        assertThrows(NullPointerException.class, () -> Stdio.stdoutOf(null));
    }

    @Test
    void atMost256Actions() {
        List<SpawnAction> actions = new ArrayList<>(Collections.nCopies(256, SpawnAction.close(3)));
        assertEquals(256, SpawnRequest.builder("a").actions(actions).build().actions().size());
        actions.add(SpawnAction.close(4));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SpawnRequest.builder("a").actions(actions));
        assertTrue(e.getMessage().contains("257 actions"), e.getMessage());
    }

    @Test
    void requestsAreImmutableCopies() {
        List<String> args = new ArrayList<>(List.of("a", "b"));
        SpawnRequest.Builder builder = SpawnRequest.builder().args(args);
        SpawnRequest first = builder.build();
        args.set(1, "changed");
        builder.args("x");
        assertEquals(List.of("a", "b"), first.args());
        assertThrows(UnsupportedOperationException.class, () -> first.args().add("c"));
        SpawnRequest copy = first.toBuilder().action(SpawnAction.close(5)).build();
        assertEquals(List.of("a", "b"), copy.args());
        assertEquals(1, copy.actions().size());
        assertTrue(first.actions().isEmpty());
    }
}
