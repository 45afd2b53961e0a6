package dev.spawn.reliability;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.TreeMap;

/**
 * What this JVM holds, read from /proc: open fds with their link targets, its children with
 * their state, its threads, its RSS. Everything the invariant check and the soak compare.
 */
public final class ProcState {
    private static final long SELF = ProcessHandle.current().pid();

    private ProcState() {
    }

    /** fd number to /proc/self/fd link target, such as {@code pipe:[123]} or {@code /dev/null}. */
    public static Map<Integer, String> fds() {
        Map<Integer, String> fds = new TreeMap<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(Paths.get("/proc/self/fd"))) {
            for (Path fd : dir) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.equals("/proc/" + SELF + "/fd")) {
                        continue; // this listing's own fd
                    }
                    fds.put(Integer.parseInt(fd.getFileName().toString()), target);
                } catch (IOException gone) {
                    // closed while listing, or the directory stream's own fd
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc/self/fd", e);
        }
        return fds;
    }

    /** A child of this JVM: pid, state letter (R, S, D, Z, ...) and command. */
    public record Child(long pid, char state, String comm) {
        @Override
        public String toString() {
            return "pid " + pid + " (" + comm + ") state " + state;
        }
    }

    /** Every process whose parent is this JVM, found by scanning /proc/[pid]/stat. */
    public static Map<Long, Child> children() {
        Map<Long, Child> children = new TreeMap<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(Paths.get("/proc"), "[0-9]*")) {
            for (Path proc : dir) {
                String stat;
                try {
                    stat = Files.readString(proc.resolve("stat"));
                } catch (IOException gone) {
                    continue;
                }
                // pid (comm) state ppid ...; comm may hold spaces and parentheses
                int open = stat.indexOf('(');
                int close = stat.lastIndexOf(')');
                if (open < 0 || close < 0) {
                    continue;
                }
                String[] rest = stat.substring(close + 2).split(" ");
                if (rest.length > 1 && Long.parseLong(rest[1]) == SELF) {
                    long pid = Long.parseLong(stat.substring(0, open).trim());
                    children.put(pid, new Child(pid, rest[0].charAt(0), stat.substring(open + 1, close)));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc", e);
        }
        return children;
    }

    /** Resident set size in KiB, from /proc/self/status. */
    public static long rssKib() {
        try {
            for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.substring(6).replace("kB", "").trim());
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/self/status", e);
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }

    /** Live threads by id, described as {@code "name" (daemon)}. */
    public static Map<Long, String> threads() {
        Map<Long, String> threads = new TreeMap<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.isAlive()) {
                threads.put(thread.getId(), "\"" + thread.getName() + "\"" + (thread.isDaemon() ? " daemon" : ""));
            }
        }
        return threads;
    }
}
