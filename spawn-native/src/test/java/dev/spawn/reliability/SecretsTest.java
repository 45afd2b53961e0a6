package dev.spawn.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spawn.Backend;
import dev.spawn.SpawnProcessBuilder;
import dev.spawn.SpawnRequest;
import dev.spawn.SpawnTemplate;
import dev.spawn.SpawnedProcess;
import dev.spawn.Spawner;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Nothing of the JVM's reaches a child unless the caller passes it: fds, environment, a shell. */
class SecretsTest {
    @TempDir
    Path dir;

    /**
     * A FileChannel (opened by the JDK without O_CLOEXEC) and a listening ServerSocket are open
     * in the JVM: the child's own /proc/self/fd lists 0 1 2 only, and its /proc/PID/fd, read
     * from here while it runs, holds neither the file nor the socket.
     */
    @ParameterizedTest
    @EnumSource(names = {"USERSPACE", "PROCESS_BUILDER"})
    void fileAndSocketOfTheJvmAreNotInTheChild(Backend backend) throws Exception {
        Path secret = Files.writeString(dir.resolve("secret"), "the secret\n");
        try (FileChannel file = FileChannel.open(secret, StandardOpenOption.READ);
                ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                SpawnTemplate probe = Spawner.using(backend).template(Probes.probe())) {
            Set<String> secrets = new TreeSet<>();
            ProcState.fds().forEach((fd, target) -> {
                if (target.equals(secret.toString()) || target.startsWith("socket:")) {
                    secrets.add(target);
                }
            });
            assertTrue(secrets.contains(secret.toString()) && secrets.stream().anyMatch(t -> t.startsWith("socket:")),
                    "precondition: the JVM holds the file and a socket: " + secrets);

            assertEquals(new Probes.Result(0, "0 1 2\n", ""), Probes.finish(probe.spawn("p", "fds")));

            SpawnedProcess child = probe.spawn(SpawnRequest.builder("p", "emit", "ready", "5000").build());
            assertEquals("ready\n", new String(child.getInputStream().readNBytes(6), StandardCharsets.UTF_8));
            List<String> childFds = new ArrayList<>();
            try (DirectoryStream<Path> fds = Files.newDirectoryStream(Paths.get("/proc/" + child.pid() + "/fd"))) {
                for (Path fd : fds) {
                    childFds.add(fd.getFileName() + " -> " + Files.readSymbolicLink(fd));
                }
            }
            child.destroyForcibly();
            assertTrue(child.waitFor(10, TimeUnit.SECONDS));
            assertEquals(3, childFds.size(), "the child holds more than its stdio: " + childFds);
            for (String fd : childFds) {
                for (String target : secrets) {
                    assertFalse(fd.endsWith(" -> " + target), "the child holds " + fd);
                }
            }
        }
    }

    /** An explicit environment is the child's whole environment; none of the JVM's leaks in. */
    @ParameterizedTest
    @EnumSource(names = {"USERSPACE", "PROCESS_BUILDER"})
    void anExplicitEnvironmentReplacesTheParentsEntirely(Backend backend) throws Exception {
        assertTrue(System.getenv().containsKey("PATH"), "precondition: the JVM has a PATH");
        try (SpawnTemplate probe = Spawner.using(backend).template(Probes.probe())) {
            assertEquals(new Probes.Result(0, "ONLY=this\n", ""), Probes.finish(probe.spawn(
                    SpawnRequest.builder("p", "env").environment(Map.of("ONLY", "this")).build())));
            assertEquals(new Probes.Result(0, "", ""), Probes.finish(probe.spawn(
                    SpawnRequest.builder("p", "env").environment(Map.of()).build())));
        }
    }

    /** Shell metacharacters reach the program verbatim: no shell runs unless the caller runs one. */
    @ParameterizedTest
    @EnumSource(names = {"USERSPACE", "PROCESS_BUILDER"})
    void noShellIsInvolved(Backend backend) throws Exception {
        Path marker = dir.resolve("marker");
        String[] nasty = {"$(touch " + marker + ")", "`touch " + marker + "`", "; touch " + marker, "&& id", "| cat",
            "> " + marker, "$HOME", "*", "'\"", "a  b", "\\n", "~", "${PATH}", "#comment"};
        List<String> args = new ArrayList<>(List.of("p", "echo"));
        args.addAll(List.of(nasty));
        String expected = String.join(" ", nasty) + "\n";
        try (SpawnTemplate probe = Spawner.using(backend).template(Probes.probe())) {
            assertEquals(new Probes.Result(0, expected, ""),
                    Probes.finish(probe.spawn(SpawnRequest.builder(args.toArray(String[]::new)).build())));
        }
        List<String> dropIn = new ArrayList<>(List.of(Probes.probe().toString(), "echo"));
        dropIn.addAll(List.of(nasty));
        Process viaDropIn = new SpawnProcessBuilder(dropIn).start();
        assertEquals(expected, new String(viaDropIn.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        assertEquals(0, viaDropIn.waitFor());
        assertFalse(Files.exists(marker), "a shell ran one of the arguments");
    }

    /** Guard: ProcState finds this JVM's socket fds the way the test above relies on. */
    @Test
    void procStateSeesSockets() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertTrue(ProcState.fds().values().stream().anyMatch(t -> t.startsWith("socket:")));
        }
    }
}
