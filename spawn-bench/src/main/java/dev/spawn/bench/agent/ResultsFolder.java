package dev.spawn.bench.agent;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The {@code --out} folder and the preset's {@code logs/PRESET} folder, made before anything runs:
 * the workers log into it from the first run, and the reports are written into it at the end,
 * when finding out that it cannot be written would lose the whole run. What an earlier run of
 * the preset wrote there is removed once the set-up has succeeded, so that a run that fails
 * leaves no older reports or logs that look like its own, and one stopped by a usage error
 * leaves the folder as it was.
 */
final class ResultsFolder {
    private ResultsFolder() {
    }

    /**
     * Makes {@code out} and {@code out/logs/PRESET}; returns the latter.
     *
     * @throws UsageError naming the folder and why it cannot be made or written
     */
    static Path prepare(Path out, Preset preset) throws IOException {
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new UsageError("cannot create results folder " + out + ": a file of that name is in the way");
        }
        Path logs = out.resolve("logs").resolve(preset.command());
        try {
            // the folder first: where it cannot be made, the error names it, not the logs below it
            Files.createDirectories(out);
            Files.createDirectories(logs);
        } catch (FileSystemException e) {
            throw new UsageError("cannot create results folder " + e.getFile() + ": " + reason(e));
        }
        for (Path folder : new Path[] {out, logs}) {
            if (!Files.isWritable(folder)) {
                throw new UsageError("cannot write into results folder " + folder + ": permission denied");
            }
        }
        return logs;
    }

    /**
     * Removes the reports of {@code preset} in {@code out} and the worker logs in its {@code logs}
     * folder that an earlier run wrote: only regular files the runner names so, nothing else of
     * the user's, and nothing of the other preset's.
     */
    static void clearEarlierRun(Path out, Path logs, Preset preset) throws IOException {
        for (String report : ReportFiles.names(preset)) {
            deleteIfRegularFile(out.resolve(report));
        }
        try (Stream<Path> files = Files.list(logs)) {
            for (Path log : files.filter(file -> SplitRun.isWorkerLog(file.getFileName().toString())).toList()) {
                deleteIfRegularFile(log);
            }
        }
    }

    private static void deleteIfRegularFile(Path file) throws IOException {
        if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            Files.deleteIfExists(file);
        }
    }

    // The JDK's FileSystemException message is little more than the path; the reason is the useful part.
    private static String reason(FileSystemException e) {
        if (e.getReason() != null) {
            return e.getReason();
        }
        return e instanceof AccessDeniedException ? "permission denied" : e.getClass().getSimpleName();
    }
}
