package dev.spawn.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.spawn.Backend;
import dev.spawn.SpawnProcessBuilder;
import dev.spawn.SpawnedProcess;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * Runs the same scenario through {@link ProcessBuilder} and {@link SpawnProcessBuilder} and
 * compares what was observed: exit codes, output bytes, exception types and messages, files.
 */
final class Harness {
    static final ExecutorService IO = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "compat-io");
        thread.setDaemon(true);
        return thread;
    });

    private Harness() {
    }

    /** The ProcessBuilder API both classes share. */
    interface Builder {
        List<String> command();

        Builder command(String... command);

        Builder directory(File directory);

        Map<String, String> environment();

        Builder redirectInput(Redirect redirect);

        Builder redirectOutput(Redirect redirect);

        Builder redirectError(Redirect redirect);

        Builder redirectErrorStream(boolean merge);

        Builder redirectInput(File file);

        Builder redirectOutput(File file);

        Builder redirectError(File file);

        Builder inheritIO();

        Process start() throws IOException;

        /** The builder behind this interface. */
        Object target();
    }

    /** A java.lang.ProcessBuilder behind the common interface. */
    static Builder jdk() {
        return forward(new ProcessBuilder(), process -> process);
    }

    /** A SpawnProcessBuilder behind the common interface; its children must come from USERSPACE. */
    static Builder spawn() {
        return forward(new SpawnProcessBuilder(), Harness::checked);
    }

    /**
     * Forwards each {@link Builder} call to the public method of {@code target} with the same
     * name and parameters: the two builders share their whole API but no interface.
     */
    private static Builder forward(Object target, UnaryOperator<Process> started) {
        InvocationHandler handler = (proxy, method, args) -> {
            if (method.getName().equals("target")) {
                return target;
            }
            Object result;
            try {
                result = target.getClass().getMethod(method.getName(), method.getParameterTypes()).invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            if (result == target) {
                return proxy;
            }
            return result instanceof Process ? started.apply((Process) result) : result;
        };
        return (Builder) Proxy.newProxyInstance(Builder.class.getClassLoader(), new Class<?>[] {Builder.class},
                handler);
    }

    /** The native fast path served it: the suite cannot pass on the ProcessBuilder fallback. */
    static Process checked(Process process) {
        assertEquals(Backend.USERSPACE, ((SpawnedProcess) process).backend(),
                "SpawnProcessBuilder's child was not started by the USERSPACE backend");
        return process;
    }

    static List<Process> pipeline(List<Builder> builders) throws IOException {
        if (builders.isEmpty() || builders.get(0).target() instanceof ProcessBuilder) {
            List<ProcessBuilder> jdk = new ArrayList<>();
            builders.forEach(b -> jdk.add((ProcessBuilder) b.target()));
            return ProcessBuilder.startPipeline(jdk);
        }
        List<SpawnProcessBuilder> spawn = new ArrayList<>();
        builders.forEach(b -> spawn.add((SpawnProcessBuilder) b.target()));
        List<Process> processes = SpawnProcessBuilder.startPipeline(spawn);
        processes.forEach(Harness::checked);
        return processes;
    }

    /** What a run showed, in order; equal maps mean equal behaviour. */
    static final class Observed {
        final Map<String, String> values = new LinkedHashMap<>();

        Observed put(String key, Object value) {
            values.put(key, String.valueOf(value));
            return this;
        }

        Observed bytes(String key, byte[] bytes) {
            return put(key, show(bytes));
        }

        Observed exception(String key, Throwable e) {
            put(key, e.getClass().getName() + ": " + e.getMessage());
            if (e.getCause() != null) {
                put(key + ".cause", e.getCause().getClass().getName() + ": " + e.getCause().getMessage());
            }
            return this;
        }

        Observed file(String key, Path file) throws IOException {
            return put(key, Files.exists(file) ? show(Files.readAllBytes(file)) : "<missing>");
        }
    }

    static String show(byte[] bytes) {
        if (bytes.length <= 4096) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        try {
            return bytes.length + " bytes, sha256 "
                    + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static CompletableFuture<byte[]> drain(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, IO);
    }

    /** Closes stdin, drains both outputs at once, waits: exit, stdout, stderr. */
    static Observed runToEnd(Process process, Observed observed) throws Exception {
        process.getOutputStream().close();
        CompletableFuture<byte[]> err = drain(process.getErrorStream());
        byte[] out = process.getInputStream().readAllBytes();
        observed.put("exit", process.waitFor());
        observed.bytes("stdout", out);
        observed.bytes("stderr", err.get());
        return observed;
    }

    static void reset(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                    path.toFile().setWritable(true);
                    Files.delete(path);
                }
            }
        }
        Files.createDirectories(dir);
    }
}
