package dev.spawn.bench.agent;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;

/**
 * The workspace the tool calls run in: seeded Python-like sources in nested packages, text
 * files, and a git repository with one commit, one modified file and one untracked file.
 * Same seed, same bytes. {@link #close()} removes it.
 */
public final class Fixture implements AutoCloseable {
    private static final String[] WORDS = {"value", "result", "items", "config", "path", "count", "index", "name",
        "data", "cache", "token", "buffer", "request", "response", "handler", "worker"};
    private static final String[] IMPORTS = {"import os", "import sys", "import json", "import re",
        "from pathlib import Path", "from typing import Any, Dict, List", "import subprocess", "import logging"};

    /** Each git command of the fixture's set-up takes milliseconds; one that hangs is stopped. */
    private static final Duration GIT_TIMEOUT = Duration.ofSeconds(60);

    private final Path root;
    private final BooleanSupplier stopped;

    private Fixture(Path root, BooleanSupplier stopped) {
        this.root = root;
        this.stopped = stopped;
    }

    /** Creates the workspace in {@code root} (made if missing) from {@code seed}. */
    public static Fixture create(Path root, long seed, Path git) throws IOException, InterruptedException {
        return create(root, seed, git, () -> false);
    }

    /**
     * Creates the workspace as {@link #create(Path, long, Path)} does, but gives up, removing what it
     * wrote, before the next file or git command once {@code stopped} says so: a shutdown that
     * removes the run's folder must not race a set-up that goes on writing into it.
     *
     * @throws InterruptedIOException when {@code stopped} stopped it
     */
    static Fixture create(Path root, long seed, Path git, BooleanSupplier stopped)
            throws IOException, InterruptedException {
        Files.createDirectories(root);
        Fixture fixture = new Fixture(root, stopped);
        try {
            fixture.writeFiles(new SplittableRandom(seed));
            if (git != null) {
                fixture.makeRepository(git);
            }
            return fixture;
        } catch (IOException | InterruptedException | RuntimeException e) {
            fixture.close();
            throw e;
        }
    }

    /** The workspace directory, every call's working directory. */
    public Path root() {
        return root;
    }

    private void writeFiles(SplittableRandom random) throws IOException {
        for (int pkg = 0; pkg < FixtureLayout.PACKAGES; pkg++) {
            write(FixtureLayout.packageDir(pkg) + "/__init__.py", "");
            for (int module = 0; module < FixtureLayout.MODULES; module++) {
                write(FixtureLayout.module(pkg, module), pythonSource(random, pkg, module, "fn"));
            }
            for (int util = 0; util < FixtureLayout.UTILS; util++) {
                write(FixtureLayout.util(pkg, util), pythonSource(random, pkg, util, "util"));
            }
        }
        for (int note = 0; note < FixtureLayout.NOTES; note++) {
            write(FixtureLayout.note(note), prose(random, 40 + random.nextInt(60), "Note " + note));
        }
        for (int table = 0; table < FixtureLayout.TABLES; table++) {
            StringBuilder csv = new StringBuilder("name,amount,weight\n");
            for (int row = 0; row < 200; row++) {
                csv.append(WORDS[random.nextInt(WORDS.length)]).append(row).append(',')
                        .append(random.nextInt(10_000)).append(',').append(random.nextInt(100)).append('\n');
            }
            write(FixtureLayout.table(table), csv.toString());
        }
        StringBuilder log = new StringBuilder();
        for (int line = 0; log.length() < 256 * 1024; line++) {
            log.append(String.format("%06d %-5s %s %s=%d%n", line, random.nextInt(10) == 0 ? "WARN" : "INFO",
                    WORDS[random.nextInt(WORDS.length)], WORDS[random.nextInt(WORDS.length)], random.nextInt(1000)));
        }
        write(FixtureLayout.BIG_FILE, log.toString());
        write(FixtureLayout.README, prose(random, 30, "Fixture workspace"));
    }

    private static String pythonSource(SplittableRandom random, int pkg, int module, String prefix) {
        StringBuilder source = new StringBuilder("\"\"\"Module ").append(prefix).append(' ').append(pkg).append('.')
                .append(module).append(".\"\"\"\n");
        int imports = 1 + random.nextInt(4);
        for (int i = 0; i < imports; i++) {
            source.append(IMPORTS[random.nextInt(IMPORTS.length)]).append('\n');
        }
        source.append('\n');
        int functions = 2 + random.nextInt(6);
        for (int f = 0; f < functions; f++) {
            String word = WORDS[random.nextInt(WORDS.length)];
            if (random.nextInt(4) == 0) {
                source.append(String.format("class Model%d%02d%d:%n    \"\"\"Holds %s.\"\"\"%n%n", pkg, module, f, word));
                source.append(String.format("    def __init__(self, %s):%n        self.%s = %s%n%n", word, word, word));
            }
            source.append(String.format("def %s_%02d_%02d_%d(%s, limit=%d):%n", prefix, pkg, module, f, word,
                    random.nextInt(100)));
            int body = 2 + random.nextInt(8);
            for (int line = 0; line < body; line++) {
                String other = WORDS[random.nextInt(WORDS.length)];
                switch (random.nextInt(5)) {
                    case 0:
                        source.append(String.format("    %s = %s + %d%n", other, word, random.nextInt(50)));
                        break;
                    case 1:
                        source.append(String.format("    # TODO: handle %s when %s is empty%n", other, word));
                        break;
                    case 2:
                        source.append(String.format("    if %s > limit:%n        return None%n", word));
                        break;
                    case 3:
                        source.append(String.format("    for %s in range(limit):%n        %s += 1%n", other, word));
                        break;
                    default:
                        source.append(String.format("    log.debug(\"%s=%%s\", %s)%n", other, word));
                        break;
                }
            }
            source.append(String.format("    return value%n%n"));
        }
        return source.toString();
    }

    private static String prose(SplittableRandom random, int lines, String title) {
        StringBuilder text = new StringBuilder("# ").append(title).append("\n\n");
        for (int line = 0; line < lines; line++) {
            int words = 5 + random.nextInt(10);
            for (int w = 0; w < words; w++) {
                text.append(w == 0 ? "" : " ").append(WORDS[random.nextInt(WORDS.length)]);
            }
            text.append(random.nextInt(8) == 0 ? " TODO\n" : ".\n");
        }
        return text.toString();
    }

    private void write(String relative, String text) throws IOException {
        stopIfAsked();
        Path file = root.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    private void makeRepository(Path gitExecutable) throws IOException, InterruptedException {
        FixtureGit git = new FixtureGit(gitExecutable, root, GIT_TIMEOUT);
        // init -b needs git 2.28; symbolic-ref names the branch on any git
        git(git, "init", "-q");
        git(git, "symbolic-ref", "HEAD", "refs/heads/main");
        git(git, "add", "-A");
        git(git, "commit", "-q", "-m", "Initial fixture");
        Files.writeString(root.resolve(FixtureLayout.CHANGED_FILE),
                "\ndef added_after_commit(value):\n    # TODO: uncommitted change\n    return value * 2\n",
                StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
        write(FixtureLayout.UNTRACKED_FILE, "- an untracked file\n");
        // Refresh the index's stat data now, so no call during the runs wants to rewrite it.
        git(git, "update-index", "-q", "--refresh");
        git(git, "status", "--porcelain");
    }

    private void git(FixtureGit git, String... args) throws IOException, InterruptedException {
        stopIfAsked();
        git.run(args);
    }

    private void stopIfAsked() throws InterruptedIOException {
        if (stopped.getAsBoolean()) {
            throw new InterruptedIOException("the fixture workspace was not finished: the run is being stopped");
        }
    }

    /** Removes the workspace. */
    @Override
    public void close() {
        deleteTree(root);
    }

    /**
     * Removes {@code top} and all in it. What vanishes meanwhile is no error: a shutdown hook that
     * gave up waiting for the run's thread may remove the same tree as that thread does.
     */
    static void deleteTree(Path top) {
        if (!Files.exists(top)) {
            return;
        }
        try {
            Files.walkFileTree(top, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
                    if (exc instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE;
                    }
                    throw exc;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    if (exc != null && !(exc instanceof NoSuchFileException)) {
                        throw exc;
                    }
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + top, e);
        }
    }
}
