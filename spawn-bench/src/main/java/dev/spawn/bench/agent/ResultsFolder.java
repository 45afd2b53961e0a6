package dev.spawn.bench.agent;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The {@code --out} folder and its {@code logs} folder, made before anything runs: the workers
 * log into it from the first run, and the reports are written into it at the end, when finding
 * out that it cannot be written would lose the whole run. What an earlier run wrote there is
 * removed first, so that a run that fails leaves no older reports or logs that look like its own.
 */
final class ResultsFolder {
    private ResultsFolder() {
    }

    /**
     * Makes {@code out} and {@code out/logs}, removes the reports of {@code preset} and the worker
     * logs an earlier run wrote there (only files the runner names so, nothing else of the
     * user's); returns the logs folder.
     *
     * @throws UsageError naming the folder and why it cannot be made or written
     */
    static Path prepare(Path out, Preset preset) throws IOException {
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new UsageError("cannot create results folder " + out + ": a file of that name is in the way");
        }
        Path logs = out.resolve("logs");
        try {
            Files.createDirectories(logs);
        } catch (FileSystemException e) {
            throw new UsageError("cannot create results folder " + e.getFile() + ": " + reason(e));
        }
        for (Path folder : new Path[] {out, logs}) {
            if (!Files.isWritable(folder)) {
                throw new UsageError("cannot write into results folder " + folder + ": permission denied");
            }
        }
        for (String report : ReportFiles.names(preset)) {
            Files.deleteIfExists(out.resolve(report));
        }
        try (Stream<Path> files = Files.list(logs)) {
            for (Path log : files.filter(file -> SplitRun.isWorkerLog(file.getFileName().toString())
                    && Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)).toList()) {
                Files.deleteIfExists(log);
            }
        }
        return logs;
    }

    // The JDK's FileSystemException message is little more than the path; the reason is the useful part.
    private static String reason(FileSystemException e) {
        if (e.getReason() != null) {
            return e.getReason();
        }
        return e instanceof AccessDeniedException ? "permission denied" : e.getClass().getSimpleName();
    }
}
