package dev.spawn.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.spawn.SpawnProcessBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * A JVM of a test's own, with the library on its class path, for what a test cannot do to the
 * JVM it runs in (close its fd 0, unset its PATH).
 */
public final class ChildJvm {
    /**
     * A prefix for {@link #run(List, Class, Path, Consumer, List, String...)}: root without
     * CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH, which permission bits then bind as any owner's,
     * still able to read the test's files (root's) where user nobody could not.
     */
    public static final List<String> WITHOUT_DAC_CAPABILITIES = List.of("setpriv", "--inh-caps=-all",
            "--bounding-set=-dac_override,-dac_read_search");

    /** User nobody's uid, the owner of directories that {@link #WITHOUT_DAC_CAPABILITIES} cannot enter. */
    public static final int NOBODY_UID = 65534;

    private ChildJvm() {
    }

    /**
     * Runs {@code main} with {@code args} and returns what it printed on stdout, failing the test
     * unless it exits 0 within 60 s (a child still running then is
     * killed, with its descendants, and the test fails with what it printed). Its stderr goes to {@code log} (SLF4J says there that it has
     * no provider), shown when it fails.
     *
     * @param environment changes the child's environment, a copy of this JVM's
     */
    public static String run(Class<?> main, Path log, Consumer<Map<String, String>> environment, String... args)
            throws Exception {
        return run(main, log, environment, List.of(), args);
    }

    /** {@link #run(Class, Path, Consumer, String...)} with {@code jvmArgs} before the main class. */
    public static String run(Class<?> main, Path log, Consumer<Map<String, String>> environment,
            List<String> jvmArgs, String... args) throws Exception {
        return run(List.of(), main, log, environment, jvmArgs, args);
    }

    /**
     * {@link #run(Class, Path, Consumer, List, String...)} started through {@code prefix}, a
     * command that execs the rest (such as {@code setpriv} with fewer capabilities).
     */
    public static String run(List<String> prefix, Class<?> main, Path log,
            Consumer<Map<String, String>> environment, List<String> jvmArgs, String... args) throws Exception {
        List<String> classpath = new ArrayList<>();
        for (Class<?> needed : List.of(main, SpawnProcessBuilder.class, UserspaceBackend.class,
                com.sun.jna.Native.class, org.slf4j.LoggerFactory.class)) {
            classpath.add(Paths.get(needed.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        }
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(Paths.get(System.getProperty("java.home"), "bin", "java")
                .toString(), "-XX:TieredStopAtLevel=1", "-cp", String.join(":", classpath)));
        command.addAll(jvmArgs);
        command.add(main.getName());
        command.addAll(List.of(args));
        ProcessBuilder jvm = new ProcessBuilder(command);
        environment.accept(jvm.environment());
        jvm.redirectError(log.toFile());
        Process process = jvm.start();
        // read on a thread of its own: a read to EOF here would wait for good for a child that
        // never exits (or a descendant that keeps its stdout), and no test timeout interrupts it
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> {
            byte[] chunk = new byte[8192];
            try (InputStream in = process.getInputStream()) {
                for (int n; (n = in.read(chunk)) >= 0; ) {
                    synchronized (printed) {
                        printed.write(chunk, 0, n);
                    }
                }
            } catch (IOException closed) {
                // destroyed: what it printed so far is in printed
            }
        }, "child-jvm-stdout");
        reader.setDaemon(true);
        reader.start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            List<ProcessHandle> descendants = process.descendants().collect(Collectors.toList());
            process.destroyForcibly();
            descendants.forEach(ProcessHandle::destroyForcibly);
            process.waitFor(10, TimeUnit.SECONDS);
            reader.join(TimeUnit.SECONDS.toMillis(5));
            fail("the child JVM did not end within 60 s; killed it and its descendants. It printed:\n"
                    + text(printed) + readLog(log));
        }
        // its descendants may keep the pipe open: what it printed by its exit is all there is
        reader.join(TimeUnit.SECONDS.toMillis(10));
        String out = text(printed);
        assertEquals(0, process.exitValue(), () -> out + readLog(log));
        return out;
    }

    private static String text(ByteArrayOutputStream printed) {
        synchronized (printed) {
            return printed.toString(StandardCharsets.UTF_8);
        }
    }

    /** The child's stderr, for a failure message. */
    public static String readLog(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
