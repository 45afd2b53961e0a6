package dev.spawn.bench;

import dev.spawn.bench.agent.WorkerSession;

/**
 * A worker JVM of the agent-tools runner, started by it as
 * {@code java -Dspawn.backend=B -cp spawn-bench.jar dev.spawn.bench.Worker --calls ... }.
 */
public final class Worker {
    private Worker() {
    }

    public static void main(String[] args) {
        int code;
        try {
            code = new WorkerSession(WorkerSession.WorkerArgs.parse(args)).run();
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            code = 2;
        }
        System.exit(code);
    }
}
