package dev.spawn.reliability;

import com.sun.jna.Library;
import com.sun.jna.Native;
import dev.spawn.Backend;
import dev.spawn.SpawnRequest;
import dev.spawn.SpawnTemplate;
import dev.spawn.SpawnedProcess;
import dev.spawn.Spawner;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The child JVM of the faults that need a process of their own ({@link FaultTest}): for a
 * resource limit, runs into it, tries one spawn, prints what happened, lifts the limit and spawns
 * again ({@code OUTCOME <Probes.describe> | <message>} then {@code RECOVERED exit <n>}); for
 * {@code search-only-cwd}, run as a user who may search the directory but not read it, spawns
 * with it as the working directory ({@code OUTCOME exit <n> cwd <the child's cwd>}).
 *
 * <pre>java -cp ... dev.spawn.reliability.LimitChild emfile|nproc|search-only-cwd USERSPACE|PROCESS_BUILDER
 *     /path/to/spawn-probe [directory]</pre>
 */
public final class LimitChild {
    private static final int RLIMIT_NPROC = 6;

    interface LibC extends Library {
        LibC INSTANCE = Native.load("c", LibC.class);

        int getrlimit(int resource, long[] limit);

        int setrlimit(int resource, long[] limit);
    }

    private LimitChild() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        Spawner spawner = Spawner.using(Backend.valueOf(args[1]));
        try (SpawnTemplate probe = spawner.template(Path.of(args[2]))) {
            // everything created once per JVM exists before the limit: reaper, /dev/null, cleaner
            System.out.println("WARM exit " + run(probe));
            // and every class the failure path needs is loaded: at the limit, loading one needs an fd
            try {
                probe.spawn(SpawnRequest.builder("p").directory(Path.of("/nonexistent/dir")).build());
            } catch (IOException expected) {
                System.out.println("WARM failure " + Probes.describe(expected) + " " + expected.getMessage()
                        + " " + new StringBuilder().append(1.5).append(expected));
            }
            if (mode.equals("emfile")) {
                emfile(probe);
            } else if (mode.equals("nproc")) {
                nproc(probe);
            } else if (mode.equals("search-only-cwd")) {
                searchOnlyCwd(probe, Path.of(args[3]));
            } else {
                throw new IllegalArgumentException(mode);
            }
        }
        System.out.flush();
    }

    private static int run(SpawnTemplate probe) throws Exception {
        SpawnedProcess child = probe.spawn(SpawnRequest.builder("p", "echo", "ok").build());
        child.getInputStream().readAllBytes();
        child.getErrorStream().readAllBytes();
        return child.waitFor();
    }

    private static void attempt(SpawnTemplate probe) {
        try {
            System.out.println("OUTCOME exit " + run(probe) + " | spawned despite the limit");
        } catch (Throwable t) {
            System.out.println("OUTCOME " + Probes.describe(t) + " | " + t);
        }
    }

    private static void emfile(SpawnTemplate probe) throws Exception {
        List<FileInputStream> hog = new ArrayList<>();
        try {
            while (hog.size() < 100_000) {
                hog.add(new FileInputStream("/dev/null"));
            }
            throw new IllegalStateException("RLIMIT_NOFILE was not lowered: 100000 fds opened");
        } catch (IOException full) {
            System.out.println("FULL after " + hog.size() + " fds: " + full.getMessage());
        }
        attempt(probe);
        attempt(probe);
        for (int i = 0; i < 32 && !hog.isEmpty(); i++) {
            hog.remove(hog.size() - 1).close();
        }
        System.out.println("RECOVERED exit " + run(probe));
        for (FileInputStream in : hog) {
            in.close();
        }
    }

    private static void nproc(SpawnTemplate probe) throws Exception {
        long[] saved = new long[2];
        check(LibC.INSTANCE.getrlimit(RLIMIT_NPROC, saved), "getrlimit");
        // No new task of this uid may start: the JVM already has more threads than 1.
        check(LibC.INSTANCE.setrlimit(RLIMIT_NPROC, new long[] {1, saved[1]}), "setrlimit");
        attempt(probe);
        attempt(probe);
        check(LibC.INSTANCE.setrlimit(RLIMIT_NPROC, saved), "setrlimit (restore)");
        System.out.println("RECOVERED exit " + run(probe));
    }

    private static void searchOnlyCwd(SpawnTemplate probe, Path directory) {
        try {
            SpawnedProcess child = probe.spawn(SpawnRequest.builder("p", "cwd").directory(directory).build());
            String cwd = new String(child.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            child.getErrorStream().readAllBytes();
            System.out.println("OUTCOME exit " + child.waitFor() + " cwd " + cwd.trim());
        } catch (Throwable t) {
            System.out.println("OUTCOME " + Probes.describe(t) + " | " + t);
        }
    }

    private static void check(int result, String call) {
        if (result != 0) {
            throw new IllegalStateException(call + " failed: errno " + Native.getLastError());
        }
    }
}
