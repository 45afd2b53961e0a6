package dev.spawn.tool;

import dev.spawn.Backend;
import dev.spawn.SpawnRequest;
import dev.spawn.SpawnTemplate;
import dev.spawn.Spawner;
import dev.spawn.SpawnedProcess;
import dev.spawn.Stdio;
import java.nio.file.Path;

/**
 * The child JVM of {@link ToolCallTest#parentDeathSignalKillsTheChildWhenItsJvmDies}: spawns
 * {@code sleep 60} twice, with and without a parent-death signal, each from a short-lived
 * thread that exits at once (the signal must follow the JVM, not that thread), prints
 * "PIDS with without", then waits to be killed.
 */
public final class PdeathsigChild {
    private PdeathsigChild() {
    }

    public static void main(String[] args) throws Exception {
        try (SpawnTemplate sleep = Spawner.using(Backend.USERSPACE).template(Path.of(args[0]))) {
            long[] pids = new long[2];
            for (int i = 0; i < 2; i++) {
                int which = i;
                Thread shortLived = new Thread(() -> {
                    try {
                        SpawnRequest.Builder request = SpawnRequest.builder("sleep", "60").stdin(Stdio.discard())
                                .stdout(Stdio.discard()).stderr(Stdio.discard());
                        if (which == 0) {
                            request.parentDeathSignal(9);
                        }
                        SpawnedProcess child = sleep.spawn(request.build());
                        pids[which] = child.pid();
                    } catch (Exception e) {
                        e.printStackTrace();
                    }
                });
                shortLived.start();
                shortLived.join();
            }
            Thread.sleep(300);
            System.out.println("PIDS " + pids[0] + " " + pids[1]);
            System.out.flush();
            Thread.sleep(60_000);
        }
    }
}
