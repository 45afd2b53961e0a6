package dev.spawn.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.spawn.SpawnProcessBuilder;
import dev.spawn.SpawnedProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.api.io.TempDir;

/**
 * The drop-in's streams on virtual threads with one carrier, the usual "a virtual thread per
 * stream" code: a read or write blocked in native code held the only carrier, so the thread that
 * would have unblocked it never ran. Virtual threads exist from JDK 21; CI runs this on JDK 25.
 */
@EnabledForJreRange(min = JRE.JAVA_21)
class VirtualThreadStreamsTest {
    private static final List<String> ONE_CARRIER = List.of("-Djdk.virtualThreadScheduler.parallelism=1",
            "-Djdk.virtualThreadScheduler.maxPoolSize=1");

    @TempDir
    Path dir;

    @Test
    void aChildsTwoStreamsAndItsStdinEachOnAVirtualThreadOfOneCarrier() throws Exception {
        Path log = dir.resolve("child.stderr");
        String out = ChildJvm.run(Child.class, log, environment -> { }, ONE_CARRIER);
        assertEquals("stdout and stderr: 200000 200000, exit 0 on USERSPACE\n"
                + "cat fed and read: 1048576, exit 0 on USERSPACE\n"
                + "without epoll: 50 readers got their line, the loop idle while they waited\n", out,
                () -> ChildJvm.readLog(log));
    }

    /** Prints what each scenario read; a scenario still blocked after 20 s ends the JVM with 3. */
    public static final class Child {
        private static final int STREAM_BYTES = 200_000;
        private static final int FED_BYTES = 1 << 20;

        private Child() {
        }

        public static void main(String[] args) throws Exception {
            // the child fills stderr's pipe first: a stdout reader that held the carrier starved
            // the stderr reader, and the child never got to stdout
            Process both = new SpawnProcessBuilder("sh", "-c",
                    "head -c " + STREAM_BYTES + " /dev/zero >&2; head -c " + STREAM_BYTES + " /dev/zero").start();
            CompletableFuture<Long> stdout = virtual(() -> count(both.getInputStream()));
            CompletableFuture<Long> stderr = virtual(() -> count(both.getErrorStream()));
            System.out.println("stdout and stderr: " + await(stdout, "stdout") + " " + await(stderr, "stderr")
                    + ", exit " + both.waitFor() + " on " + ((SpawnedProcess) both).backend());

            // the writer first: once cat's output pipe is full, a writer that held the carrier
            // starved the reader that would have emptied it
            Process cat = new SpawnProcessBuilder("cat").start();
            CompletableFuture<Long> fed = virtual(() -> feed(cat.getOutputStream()));
            CompletableFuture<Long> read = virtual(() -> count(cat.getInputStream()));
            await(fed, "stdin");
            System.out.println("cat fed and read: " + await(read, "cat's stdout") + ", exit " + cat.waitFor()
                    + " on " + ((SpawnedProcess) cat).backend());

            // the loop without its epoll fd calls every watcher's handler each 10 ms: a waiter
            // that re-registered at each call kept the loop from ever pausing
            Field epoll = Reaper.class.getDeclaredField("epoll");
            epoll.setAccessible(true);
            LibSpawn.spawn_close(epoll.getInt(Reaper.get()));
            List<Process> slow = new ArrayList<>();
            List<CompletableFuture<Long>> lines = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                Process child = new SpawnProcessBuilder("sh", "-c", "sleep 1.5; echo line").start();
                slow.add(child);
                lines.add(virtual(() -> count(child.getInputStream())));
            }
            long loopCpu = loopCpuNanos();
            long started = System.nanoTime();
            int got = 0;
            for (CompletableFuture<Long> line : lines) {
                got += await(line, "a line") == 5 ? 1 : 0;
            }
            long busy = 100 * (loopCpuNanos() - loopCpu) / (System.nanoTime() - started);
            for (Process child : slow) {
                child.waitFor();
            }
            System.out.println("without epoll: " + got + " readers got their line, "
                    + (busy < 30 ? "the loop idle while they waited" : "the loop " + busy + "% busy"));
        }

        private static long loopCpuNanos() {
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            for (Thread thread : Thread.getAllStackTraces().keySet()) {
                if (thread.getName().equals("spawn-reaper")) {
                    return threads.getThreadCpuTime(thread.getId());
                }
            }
            throw new IllegalStateException("no spawn-reaper thread");
        }

        private static long count(InputStream in) throws IOException {
            long total = 0;
            byte[] buffer = new byte[4096];
            for (int n; (n = in.read(buffer)) > 0;) {
                total += n;
            }
            return total;
        }

        private static long feed(OutputStream in) throws IOException {
            try (in) {
                in.write(new byte[FED_BYTES]);
            }
            return FED_BYTES;
        }

        private static long await(CompletableFuture<Long> result, String what) throws Exception {
            try {
                return result.get(20, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                System.out.println("blocked: " + what);
                System.out.flush();
                Runtime.getRuntime().halt(3);
                throw e;
            }
        }

        /** {@code work} on a new virtual thread; the library is built for 17, so by reflection. */
        private static CompletableFuture<Long> virtual(Callable<Long> work) throws Exception {
            CompletableFuture<Long> result = new CompletableFuture<>();
            Runnable task = () -> {
                try {
                    result.complete(work.call());
                } catch (Throwable e) {
                    result.completeExceptionally(e);
                }
            };
            Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
            Method start = Class.forName("java.lang.Thread$Builder").getMethod("start", Runnable.class);
            start.invoke(builder, task);
            return result;
        }
    }
}
