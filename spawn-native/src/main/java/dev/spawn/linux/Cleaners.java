package dev.spawn.linux;

import java.lang.ref.Cleaner;

/** The one Cleaner of the library: the safety net that closes fds of streams dropped unclosed. */
final class Cleaners {
    static final Cleaner CLEANER = Cleaner.create(runnable -> {
        Thread thread = new Thread(runnable, "spawn-cleaner");
        thread.setDaemon(true);
        return thread;
    });

    private Cleaners() {
    }
}
