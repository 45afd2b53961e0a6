package dev.spawn.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spawn.compat.Harness.Builder;
import dev.spawn.compat.Harness.Observed;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import dev.spawn.reliability.InvariantExtension;
import dev.spawn.reliability.ProcState;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every scenario runs through {@link ProcessBuilder} and then through
 * {@link dev.spawn.SpawnProcessBuilder} in the same scratch directory, and what each run
 * observed must be equal: exit codes, stdout and stderr bytes, exception types and messages,
 * files written. SpawnProcessBuilder's children must come from the USERSPACE backend.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProcessBuilderDifferentialTest {
    private static final int BIG = 20_000_000;

    @TempDir
    static Path scratch;

    /** Sets a builder up; {@code dir} is the scenario's scratch directory. */
    interface Setup {
        void apply(Builder builder, Path dir) throws Exception;
    }

    /** Drives a started process and records what it saw. */
    interface Interaction {
        void run(Process process, Path dir, Observed observed) throws Exception;
    }

    /** Prepares the scratch directory before each of the two runs. */
    interface Prep {
        void apply(Path dir) throws Exception;
    }

    private record Scenario(String name, Prep prep, Setup setup, Interaction interaction) {
    }

    private static Scenario s(String name, Setup setup) {
        return new Scenario(name, dir -> { }, setup, (p, dir, o) -> Harness.runToEnd(p, o));
    }

    private static Scenario s(String name, Prep prep, Setup setup) {
        return new Scenario(name, prep, setup, (p, dir, o) -> Harness.runToEnd(p, o));
    }

    private static Scenario s(String name, Prep prep, Setup setup, Interaction interaction) {
        return new Scenario(name, prep, setup, interaction);
    }

    private static Setup cmd(String... command) {
        return (b, dir) -> b.command(command);
    }

    private static Observed run(Scenario scenario, Supplier<Builder> kind, Path dir) throws Exception {
        Harness.reset(dir);
        scenario.prep.apply(dir);
        Observed observed = new Observed();
        Builder builder = kind.get();
        scenario.setup.apply(builder, dir);
        Process process;
        try {
            process = builder.start();
        } catch (Exception e) {
            observed.exception("start", e);
            observeFiles(dir, observed);
            return observed;
        }
        try {
            scenario.interaction.run(process, dir, observed);
        } finally {
            process.destroyForcibly();
            process.waitFor();
        }
        observeFiles(dir, observed);
        return observed;
    }

    private static void observeFiles(Path dir, Observed observed) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.sorted().toList()) {
                if (Files.isRegularFile(file)) {
                    observed.file("file " + file.getFileName(), file);
                }
            }
        }
    }

    private static DynamicTest differential(Scenario scenario) {
        return DynamicTest.dynamicTest(scenario.name, () -> {
            Path dir = scratch.resolve(scenario.name.replaceAll("[^A-Za-z0-9]+", "-"));
            Observed jdk = run(scenario, Harness::jdk, dir);
            Observed spawn = run(scenario, Harness::spawn, dir);
            assertEquals(jdk.values, spawn.values, scenario.name);
        });
    }

    private static void write(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    private static Interaction sortedStdout() {
        return (p, dir, o) -> {
            Harness.runToEnd(p, o);
            String sorted = Arrays.stream(o.values.get("stdout").split("\n")).sorted()
                    .collect(Collectors.joining("\n"));
            o.put("stdout", sorted);
        };
    }

    @TestFactory
    Stream<DynamicTest> programsAndExitCodes() {
        return Stream.of(
                s("printf arguments", cmd("printf", "%s|", "a", "b c", "", "d")),
                s("exit code 3", cmd("sh", "-c", "exit 3")),
                s("exit code 255", cmd("sh", "-c", "exit 255")),
                s("killed by SIGKILL is 137", cmd("sh", "-c", "kill -9 $$")),
                s("killed by SIGTERM is 143", cmd("sh", "-c", "kill -TERM $$")),
                s("killed by SIGSEGV is 139", cmd("sh", "-c", "kill -SEGV $$")),
                s("argv[0] is the name as given", cmd("sh", "-c", "tr '\\0' ' ' < /proc/$$/cmdline")),
                s("absolute path", cmd("/bin/echo", "hello")),
                s("name found on PATH", cmd("printf", "found")),
                s("relative path with a slash is relative to directory()",
                        dir -> {
                            write(dir.resolve("tool.sh"), "#!/bin/sh\necho tool \"$@\"\n");
                            dir.resolve("tool.sh").toFile().setExecutable(true);
                        },
                        (b, dir) -> b.command("./tool.sh", "x").directory(dir.toFile())),
                s("a file without #! runs under /bin/sh",
                        dir -> {
                            write(dir.resolve("plain"), "echo plain \"$0\" \"$@\"\n");
                            dir.resolve("plain").toFile().setExecutable(true);
                        },
                        (b, dir) -> b.command("./plain", "y").directory(dir.toFile())),
                s("non-ASCII arguments", cmd("printf", "%s\\n", "héllo", "日本語", "✓ ü")),
                s("stdout and stderr both", cmd("sh", "-c", "echo out; echo err >&2; exit 4"))
        ).map(ProcessBuilderDifferentialTest::differential);
    }

    @TestFactory
    Stream<DynamicTest> environmentAndDirectory() {
        return Stream.of(
                s("inherited environment", dir -> { }, cmd("env"), sortedStdout()),
                s("environment: add", dir -> { },
                        (b, dir) -> {
                            b.command("env");
                            b.environment().put("SPAWN_ADDED", "yes");
                        }, sortedStdout()),
                s("environment: remove HOME", dir -> { },
                        (b, dir) -> {
                            b.command("env");
                            b.environment().remove("HOME");
                        }, sortedStdout()),
                s("environment: clear", (b, dir) -> {
                    b.command("env");
                    b.environment().clear();
                }),
                s("environment: clear then one", (b, dir) -> {
                    b.command("env");
                    b.environment().clear();
                    b.environment().put("ONLY", "one");
                }),
                s("environment: empty value", dir -> { },
                        (b, dir) -> {
                            b.command("env");
                            b.environment().put("EMPTY", "");
                        }, sortedStdout()),
                s("environment: non-ASCII name and value", (b, dir) -> {
                    b.command("env");
                    b.environment().clear();
                    b.environment().put("SPAWN_Ü", "wört ✓ 日本");
                }),
                s("the caller's PATH finds the program, not the child's", (b, dir) -> {
                    b.command("env");
                    b.environment().clear();
                    b.environment().put("PATH", "/nonexistent");
                }),
                s("directory()", (b, dir) -> b.command("/bin/pwd").directory(dir.toFile())),
                s("relative directory()", (b, dir) -> b.command("/bin/pwd").directory(new File("target"))),
                s("missing working directory", (b, dir) -> b.command("pwd").directory(dir.resolve("nope").toFile())),
                s("working directory is a file", dir -> write(dir.resolve("file"), "x"),
                        (b, dir) -> b.command("pwd").directory(dir.resolve("file").toFile())),
                s("working directory through a file", dir -> write(dir.resolve("file"), "x"),
                        (b, dir) -> b.command("pwd").directory(dir.resolve("file/sub").toFile())),
                s("working directory through a symlink loop", dir -> {
                    Files.createSymbolicLink(dir.resolve("loop"), dir.resolve("loop"));
                }, (b, dir) -> b.command("pwd").directory(dir.resolve("loop/sub").toFile())),
                s("empty working directory with a program that cannot run",
                        dir -> write(dir.resolve("script.sh"), "#!/bin/sh\necho hi\n"),
                        (b, dir) -> b.command(dir.resolve("script.sh").toString()).directory(new File(""))),
                s("working directory name longer than NAME_MAX",
                        (b, dir) -> b.command("pwd").directory(dir.resolve("d".repeat(256)).toFile())),
                s("missing program in a working directory through a file", dir -> write(dir.resolve("file"), "x"),
                        (b, dir) -> b.command("spawn-no-such-program").directory(dir.resolve("file/sub").toFile()))
        ).map(ProcessBuilderDifferentialTest::differential);
    }

    @TestFactory
    Stream<DynamicTest> startFailures() {
        return Stream.of(
                s("missing program", cmd("spawn-no-such-program")),
                s("missing program in a directory",
                        (b, dir) -> b.command("spawn-no-such-program").directory(dir.toFile())),
                s("missing absolute path", cmd("/nonexistent/program")),
                s("path through a regular file", cmd("/etc/passwd/x")),
                s("not executable", dir -> write(dir.resolve("script.sh"), "#!/bin/sh\necho hi\n"),
                        (b, dir) -> b.command(dir.resolve("script.sh").toString())),
                s("directory as program", (b, dir) -> b.command(dir.toString())),
                s("directory with a trailing slash as program", (b, dir) -> b.command(dir + "/")),
                s("program with a trailing slash", cmd("/bin/echo/", "x")),
                s("program with a trailing /.", cmd("/bin/echo/.", "x")),
                s("program with a trailing /..", cmd("/bin/echo/..", "x")),
                s("missing program with a trailing slash", cmd("/nonexistent/program/")),
                s("command name longer than NAME_MAX", cmd("e".repeat(256))),
                s("command name of NAME_MAX bytes", cmd("é".repeat(127) + "e")),
                s("empty program name", cmd("")),
                s("empty command", (b, dir) -> b.command().clear()),
                s("null in the command", (b, dir) -> {
                    b.command("echo");
                    b.command().add(null);
                }),
                s("NUL in an argument", cmd("echo", "a\0b")),
                s("missing stdin file", (b, dir) -> b.command("cat").redirectInput(Redirect.from(dir.resolve("none").toFile()))),
                s("stdin from a directory", (b, dir) -> b.command("cat").redirectInput(Redirect.from(dir.toFile()))),
                s("stdout to a directory", (b, dir) -> b.command("cat").directory(dir.toFile())
                        .redirectOutput(Redirect.to(dir.toFile()))),
                s("missing program still creates the output file",
                        (b, dir) -> b.command("spawn-no-such-program").redirectOutput(dir.resolve("out").toFile())),
                s("missing directory wins over missing program",
                        (b, dir) -> b.command("/nonexistent/program").directory(dir.resolve("nope").toFile())),
                s("missing stdin file leaves the unused stderr file as it was",
                        dir -> write(dir.resolve("unused"), "precious"),
                        (b, dir) -> b.command("cat").redirectInput(dir.resolve("none").toFile())
                                .redirectErrorStream(true).redirectError(dir.resolve("unused").toFile())),
                s("stdout to a directory leaves the unused stderr file as it was",
                        dir -> write(dir.resolve("unused"), "precious"),
                        (b, dir) -> b.command("cat").redirectOutput(dir.toFile())
                                .redirectErrorStream(true).redirectError(dir.resolve("unused").toFile())),
                s("NUL in a redirect file's path",
                        (b, dir) -> b.command("true").redirectOutput(new File(dir + "/a\0b"))),
                s("NUL in the stderr file's path after the stdout file",
                        (b, dir) -> b.command("true").redirectOutput(dir.resolve("out").toFile())
                                .redirectError(new File(dir + "/e\0rr"))),
                s("missing stdin file wins over NUL in the stdout file's path",
                        (b, dir) -> b.command("true").redirectInput(dir.resolve("none").toFile())
                                .redirectOutput(new File(dir + "/a\0b"))),
                s("missing stdin file wins over missing program",
                        (b, dir) -> b.command("spawn-no-such-program").redirectInput(dir.resolve("none").toFile()))
        ).map(ProcessBuilderDifferentialTest::differential);
    }

    @TestFactory
    Stream<DynamicTest> redirects() {
        Interaction streamsAreNull = (p, dir, o) -> {
            o.put("stdout read", p.getInputStream().read());
            o.put("stderr read", p.getErrorStream().read());
            o.put("exit", p.waitFor());
        };
        return Stream.of(
                s("stdin from a file", dir -> write(dir.resolve("in"), "line 1\nline 2\n"),
                        (b, dir) -> b.command("cat").redirectInput(dir.resolve("in").toFile())),
                s("stdout to a file truncates it", dir -> write(dir.resolve("out"), "old old old old\n"),
                        (b, dir) -> b.command("echo", "new").redirectOutput(Redirect.to(dir.resolve("out").toFile())),
                        streamsAreNull),
                s("stdout appended to a file", dir -> write(dir.resolve("out"), "old\n"),
                        (b, dir) -> b.command("echo", "new").redirectOutput(Redirect.appendTo(dir.resolve("out").toFile()))),
                s("stderr to a file", (b, dir) -> b.command("sh", "-c", "echo o; echo e >&2")
                        .redirectError(Redirect.to(dir.resolve("err").toFile()))),
                s("stderr appended to a file", dir -> write(dir.resolve("err"), "before\n"),
                        (b, dir) -> b.command("sh", "-c", "echo o; echo e >&2")
                                .redirectError(Redirect.appendTo(dir.resolve("err").toFile()))),
                s("stdout discarded", dir -> { }, (b, dir) -> b.command("sh", "-c", "echo o; echo e >&2")
                        .redirectOutput(Redirect.DISCARD), streamsAreNull),
                s("stderr discarded", (b, dir) -> b.command("sh", "-c", "echo o; echo e >&2")
                        .redirectError(Redirect.DISCARD)),
                s("Redirect.to(/dev/null)", (b, dir) -> b.command("echo", "gone")
                        .redirectOutput(Redirect.to(new File("/dev/null")))),
                s("inheritIO", dir -> { }, (b, dir) -> b.command("true").inheritIO(), (p, dir, o) -> {
                    o.put("stdout read", p.getInputStream().read());
                    o.put("stderr read", p.getErrorStream().read());
                    try {
                        p.getOutputStream().write(1);
                        o.put("stdin write", "ok");
                    } catch (IOException e) {
                        o.put("stdin write", e.getClass().getName());
                    }
                    o.put("exit", p.waitFor());
                }),
                s("stdout inherited", dir -> { }, (b, dir) -> b.command("true").redirectOutput(Redirect.INHERIT),
                        streamsAreNull),
                s("merged stderr", cmd("sh", "-c", "echo a; echo b >&2; echo c; echo d >&2")),
                s("merged stderr into a file", dir -> { }, (b, dir) -> b.command("sh", "-c", "echo a; echo b >&2")
                        .redirectErrorStream(true).redirectOutput(dir.resolve("all").toFile()), streamsAreNull),
                s("merged stderr still creates the stderr file", (b, dir) -> b.command("sh", "-c", "echo a; echo b >&2")
                        .redirectErrorStream(true).redirectError(dir.resolve("unused").toFile())),
                s("all three redirected", dir -> write(dir.resolve("in"), "input\n"),
                        (b, dir) -> b.command("sh", "-c", "cat; echo e >&2")
                                .redirectInput(dir.resolve("in").toFile())
                                .redirectOutput(dir.resolve("out").toFile())
                                .redirectError(Redirect.appendTo(dir.resolve("err").toFile())))
        ).map(scenario -> scenario.name.equals("merged stderr")
                ? new Scenario(scenario.name, scenario.prep, (b, dir) -> {
                    scenario.setup.apply(b, dir);
                    b.redirectErrorStream(true);
                }, scenario.interaction)
                : scenario).map(ProcessBuilderDifferentialTest::differential);
    }

    @TestFactory
    Stream<DynamicTest> streamsAndLifecycle() {
        return Stream.of(
                s("20 MB on stdout and stderr at once", cmd("sh", "-c",
                        "(yes abcdefg | head -c " + BIG + ") & (yes 0123456789 | head -c " + BIG + " >&2); wait")),
                s("stdin fed and closed", dir -> { }, cmd("sh", "-c", "read a; read b; echo \"$b-$a\""),
                        (p, dir, o) -> {
                            try (OutputStream in = p.getOutputStream()) {
                                in.write("x\ny\n".getBytes(StandardCharsets.UTF_8));
                            }
                            Harness.runToEnd(p, o);
                        }),
                s("stdin closed at once", cmd("wc", "-c")),
                s("mark and reset on stdout", dir -> { }, cmd("printf", "0123456789"), (p, dir, o) -> {
                    InputStream out = p.getInputStream();
                    o.put("markSupported", out.markSupported());
                    try {
                        out.reset();
                        o.put("reset before mark", "ok");
                    } catch (IOException e) {
                        o.put("reset before mark", e.getClass().getName() + ": " + e.getMessage());
                    }
                    out.mark(4);
                    o.bytes("first", out.readNBytes(3));
                    out.reset();
                    o.bytes("again", out.readNBytes(5));
                    out.reset();
                    o.bytes("rest", out.readAllBytes());
                    out.close();
                    try {
                        out.reset();
                        o.put("reset after close", "ok");
                    } catch (IOException e) {
                        o.put("reset after close", e.getClass().getName() + ": " + e.getMessage());
                    }
                    try {
                        o.put("empty read after close", out.read(new byte[1], 0, 0));
                    } catch (IOException e) {
                        o.put("empty read after close", e.getClass().getName() + ": " + e.getMessage());
                    }
                    o.put("exit", p.waitFor());
                }),
                s("stdin written after the child exited", dir -> { }, cmd("true"), (p, dir, o) -> {
                    o.put("exit", p.waitFor());
                    OutputStream in = p.getOutputStream();
                    for (String step : new String[] {"write", "flush", "close"}) {
                        try {
                            if (step.equals("write")) {
                                in.write("small".getBytes(StandardCharsets.UTF_8));
                            } else if (step.equals("flush")) {
                                in.flush();
                            } else {
                                in.close();
                            }
                            o.put(step, "ok");
                        } catch (IOException e) {
                            o.put(step, e.getClass().getName());
                        }
                    }
                }),
                s("5 MB through cat while reading", dir -> { }, cmd("cat"), (p, dir, o) -> {
                    CompletableFuture<byte[]> out = Harness.drain(p.getInputStream());
                    byte[] chunk = "0123456789abcdef".repeat(4096).getBytes(StandardCharsets.UTF_8);
                    try (OutputStream in = p.getOutputStream()) {
                        for (int i = 0; i < 80; i++) {
                            in.write(chunk);
                        }
                    }
                    o.bytes("stdout", out.get());
                    o.put("exit", p.waitFor());
                }),
                s("destroy is 143 and closes the streams", dir -> { }, cmd("sleep", "30"), (p, dir, o) -> {
                    p.destroy();
                    o.put("exit", p.waitFor());
                    o.put("alive", p.isAlive());
                    try {
                        p.getInputStream().read();
                        o.put("read after destroy", "ok");
                    } catch (IOException e) {
                        o.exception("read after destroy", e);
                    }
                }),
                s("destroyForcibly is 137", dir -> { }, cmd("sleep", "30"), (p, dir, o) -> {
                    o.put("same process", p.destroyForcibly() == p);
                    o.put("exit", p.waitFor());
                }),
                s("destroy flushes what stdin buffered to a child that outlives SIGTERM", dir -> { },
                        (b, dir) -> b.command("sh", "-c", "trap '' TERM; echo ready; exec cat > got")
                                .directory(dir.toFile()),
                        (p, dir, o) -> {
                            o.put("line", new String(p.getInputStream().readNBytes(6), StandardCharsets.UTF_8));
                            p.getOutputStream().write("hello\n".getBytes(StandardCharsets.UTF_8));
                            p.destroy();
                            o.put("exit", p.waitFor());
                        }),
                s("available counts the buffer and the pipe", dir -> { },
                        cmd("sh", "-c", "printf abc; read line; printf def; read line"), (p, dir, o) -> {
                            InputStream out = p.getInputStream();
                            o.put("first", out.read());
                            OutputStream in = p.getOutputStream();
                            in.write('\n');
                            in.flush();
                            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                            int available = out.available();
                            while (available < 5 && System.nanoTime() < end) {
                                Thread.sleep(10);
                                available = out.available();
                            }
                            o.put("available", available);
                            in.write('\n');
                            in.close();
                            o.bytes("rest", out.readAllBytes());
                            o.put("exit", p.waitFor());
                        }),
                s("skip after close", dir -> { }, cmd("true"), (p, dir, o) -> {
                    InputStream out = p.getInputStream();
                    out.close();
                    for (long n : new long[] {0, -1, 2}) {
                        try {
                            o.put("skip " + n, out.skip(n));
                        } catch (IOException e) {
                            o.exception("skip " + n, e);
                        }
                    }
                    o.put("exit", p.waitFor());
                }),
                s("bytes that come after close() to a waiting read", dir -> { },
                        cmd("sh", "-c", "read line; echo late"), (p, dir, o) -> {
                            InputStream out = p.getInputStream();
                            CompletableFuture<String> reader = CompletableFuture.supplyAsync(() -> {
                                try {
                                    return "read " + out.read(new byte[16], 0, 16);
                                } catch (IOException e) {
                                    return e.getClass().getName() + ": " + e.getMessage();
                                }
                            }, Harness.IO);
                            // the reader in its read by then (else both sides fail it at once,
                            // and the child dies of SIGPIPE in both)
                            Thread.sleep(500);
                            out.close();
                            try (OutputStream in = p.getOutputStream()) {
                                in.write('\n');
                            }
                            o.put("reader", reader.get(10, TimeUnit.SECONDS));
                            o.put("exit", p.waitFor());
                        }),
                s("destroy with a TERM trap", dir -> { },
                        cmd("sh", "-c", "trap 'exit 7' TERM; echo ready; while :; do sleep 0.05; done"),
                        (p, dir, o) -> {
                            o.put("line", new String(p.getInputStream().readNBytes(6), StandardCharsets.UTF_8));
                            p.destroy();
                            o.put("exit", p.waitFor());
                        }),
                s("waitFor with a timeout", dir -> { }, cmd("sleep", "30"), (p, dir, o) -> {
                    o.put("waited", p.waitFor(200, TimeUnit.MILLISECONDS));
                    try {
                        p.exitValue();
                    } catch (IllegalThreadStateException e) {
                        o.exception("exitValue", e);
                    }
                    p.destroyForcibly();
                    o.put("waited again", p.waitFor(10, TimeUnit.SECONDS));
                    o.put("exit", p.exitValue());
                }),
                s("waitFor on an interrupted thread", dir -> { }, cmd("sleep", "30"), (p, dir, o) -> {
                    for (long millis : new long[] {0, -1, 1, 200}) {
                        Thread.currentThread().interrupt();
                        try {
                            o.put("waited " + millis, p.waitFor(millis, TimeUnit.MILLISECONDS));
                        } catch (InterruptedException e) {
                            o.put("waited " + millis, e.getClass().getName());
                        }
                        o.put("still interrupted after " + millis, Thread.interrupted());
                    }
                    Thread.currentThread().interrupt();
                    try {
                        o.put("waitFor", p.waitFor());
                    } catch (InterruptedException e) {
                        o.put("waitFor", e.getClass().getName());
                    }
                    o.put("still interrupted after waitFor", Thread.interrupted());
                    p.destroyForcibly();
                    o.put("exit", p.waitFor());
                    Thread.currentThread().interrupt();
                    o.put("waited after exit", p.waitFor(1, TimeUnit.MILLISECONDS));
                    o.put("exit after exit", p.waitFor());
                    o.put("still interrupted after exit", Thread.interrupted());
                }),
                s("waitFor with a timeout on a quick child", dir -> { }, cmd("true"), (p, dir, o) -> {
                    o.put("waited", p.waitFor(10, TimeUnit.SECONDS));
                    o.put("exit", p.exitValue());
                }),
                s("onExit, toHandle and info after exit", dir -> { }, cmd("sh", "-c", "exit 5"), (p, dir, o) -> {
                    o.put("onExit is the process", p.onExit().get(10, TimeUnit.SECONDS) == p);
                    o.put("exit", p.exitValue());
                    o.put("handle pid", p.toHandle().pid() == p.pid());
                    o.put("handle alive", p.toHandle().isAlive());
                    o.put("handle onExit", p.toHandle().onExit().get(10, TimeUnit.SECONDS).pid() == p.pid());
                    o.put("info", p.info());
                    o.put("children", p.children().count());
                    o.put("normal termination", p.supportsNormalTermination());
                }),
                s("toHandle().destroy() signals and leaves the streams open", dir -> { },
                        cmd("sh", "-c", "echo before; exec sleep 30"), (p, dir, o) -> {
                            o.put("line", new String(p.getInputStream().readNBytes(7), StandardCharsets.UTF_8));
                            o.put("destroyed", p.toHandle().destroy());
                            o.put("exit", p.waitFor());
                            o.put("rest of stdout", new String(p.getInputStream().readAllBytes(),
                                    StandardCharsets.UTF_8));
                            o.put("destroyed again", p.toHandle().destroyForcibly());
                        }),
                s("children, descendants and info while alive", dir -> { },
                        cmd("sh", "-c", "sleep 30 & echo started; wait"), (p, dir, o) -> {
                            o.put("line", new String(p.getInputStream().readNBytes(8), StandardCharsets.UTF_8));
                            o.put("alive", p.toHandle().isAlive());
                            o.put("parent is us", p.toHandle().parent().map(ProcessHandle::pid).orElse(-1L)
                                    == ProcessHandle.current().pid());
                            o.put("children", p.children().count());
                            o.put("descendants", p.descendants().count());
                            o.put("command", p.info().command().map(c -> Paths.get(c).getFileName().toString())
                                    .orElse("?"));
                            // The shell first: killing its sleep first lets `wait` return and sh
                            // exit 0 before the SIGKILL lands.
                            List<ProcessHandle> descendants = p.descendants().collect(Collectors.toList());
                            p.destroyForcibly();
                            o.put("exit", p.waitFor());
                            descendants.forEach(ProcessHandle::destroyForcibly);
                        })
        ).map(ProcessBuilderDifferentialTest::differential);
    }

    /** A pipeline scenario: builders set up, then the processes observed. */
    private interface PipelineSetup {
        List<Builder> apply(Supplier<Builder> kind, Path dir) throws Exception;
    }

    private interface PipelineInteraction {
        void run(List<Process> processes, Path dir, Observed observed) throws Exception;
    }

    private static Observed runPipeline(PipelineSetup setup, PipelineInteraction interaction, Prep prep,
            Supplier<Builder> kind, Path dir) throws Exception {
        Harness.reset(dir);
        prep.apply(dir);
        Observed observed = new Observed();
        List<Builder> builders = setup.apply(kind, dir);
        List<Process> processes;
        try {
            processes = Harness.pipeline(builders);
        } catch (Exception e) {
            observed.exception("start", e);
            observeFiles(dir, observed);
            return observed;
        }
        try {
            observed.put("count", processes.size());
            interaction.run(processes, dir, observed);
        } finally {
            for (Process process : processes) {
                process.destroyForcibly();
                process.waitFor();
            }
        }
        observeFiles(dir, observed);
        return observed;
    }

    private static DynamicTest pipeline(String name, Prep prep, PipelineSetup setup, PipelineInteraction interaction) {
        return DynamicTest.dynamicTest(name, () -> {
            Path dir = scratch.resolve("pipeline-" + name.replaceAll("[^A-Za-z0-9]+", "-"));
            Collection<String> before = ProcState.fds().values();
            Observed jdk = runPipeline(setup, interaction, prep, Harness::jdk, dir);
            InvariantExtension.knownJdkLeaks(fdsLeftBy(before));
            Observed spawn = runPipeline(setup, interaction, prep, Harness::spawn, dir);
            assertEquals(jdk.values, spawn.values, name);
        });
    }

    /**
     * The pipe fds the JDK half left open once its children are gone and its streams had time to
     * close: ProcessBuilder.startPipeline leaks the pipe to a stage that failed to start.
     */
    private static List<String> fdsLeftBy(Collection<String> before) throws InterruptedException {
        Thread.sleep(300);
        List<String> left = new ArrayList<>(ProcState.fds().values());
        left.removeAll(before);
        left.removeIf(target -> !target.startsWith("pipe:"));
        return left;
    }

    private static PipelineSetup stages(String[]... commands) {
        return (kind, dir) -> {
            List<Builder> builders = new ArrayList<>();
            for (String[] command : commands) {
                builders.add(kind.get().command(command));
            }
            return builders;
        };
    }

    private static final PipelineInteraction TO_END = (processes, dir, o) -> {
        processes.get(0).getOutputStream().close();
        Process last = processes.get(processes.size() - 1);
        o.bytes("stdout", last.getInputStream().readAllBytes());
        for (int i = 0; i < processes.size(); i++) {
            o.put("exit " + i, processes.get(i).waitFor());
            o.bytes("stderr " + i, processes.get(i).getErrorStream().readAllBytes());
        }
    };

    @TestFactory
    Stream<DynamicTest> pipelines() {
        Prep none = dir -> { };
        return Stream.of(
                pipeline("printf | sort | head", none, stages(new String[] {"printf", "b\\na\\nc\\n"},
                        new String[] {"sort"}, new String[] {"head", "-n", "2"}), TO_END),
                pipeline("yes | head: SIGPIPE upstream", none,
                        stages(new String[] {"yes"}, new String[] {"head", "-n", "3"}), TO_END),
                pipeline("20 MB through three stages", none, stages(new String[] {"head", "-c", "" + BIG, "/dev/zero"},
                        new String[] {"tr", "\\0", "x"}, new String[] {"wc", "-c"}), TO_END),
                pipeline("first input and last output are files", dir -> write(dir.resolve("in"), "z\ny\nx\n"),
                        (kind, dir) -> List.of(kind.get().command("cat").redirectInput(Redirect.from(dir.resolve("in").toFile())),
                                kind.get().command("sort").redirectOutput(Redirect.to(dir.resolve("out").toFile()))),
                        (processes, dir, o) -> {
                            for (int i = 0; i < processes.size(); i++) {
                                o.put("exit " + i, processes.get(i).waitFor());
                            }
                        }),
                pipeline("merged stderr of the first stage flows down", none,
                        (kind, dir) -> List.of(kind.get().command("sh", "-c", "echo out; echo err >&2").redirectErrorStream(true),
                                kind.get().command("cat")), TO_END),
                pipeline("joined streams are null streams", none,
                        stages(new String[] {"echo", "hi"}, new String[] {"cat"}), (processes, dir, o) -> {
                            o.put("first stdout read", processes.get(0).getInputStream().read());
                            try {
                                processes.get(1).getOutputStream().write(1);
                                o.put("second stdin write", "ok");
                            } catch (IOException e) {
                                o.exception("second stdin write", e);
                            }
                            TO_END.run(processes, dir, o);
                        }),
                pipeline("input of a later stage must be PIPE", none,
                        (kind, dir) -> List.of(kind.get().command("echo"),
                                kind.get().command("cat").redirectInput(Redirect.from(new File("/dev/null")))), TO_END),
                pipeline("output of an earlier stage must be PIPE", none,
                        (kind, dir) -> List.of(kind.get().command("echo").redirectOutput(Redirect.DISCARD),
                                kind.get().command("cat")), TO_END),
                pipeline("missing program in the last stage", none,
                        stages(new String[] {"sleep", "30"}, new String[] {"cat"}, new String[] {"spawn-no-such-program"}),
                        TO_END),
                pipeline("one stage", none, stages(new String[] {"echo", "alone"}), TO_END),
                pipeline("no stage", none, (kind, dir) -> List.of(), (processes, dir, o) -> { })
        );
    }

    @TestFactory
    Stream<DynamicTest> notExecutableKeepsFailing() {
        // a template is never cached for a file that cannot run, and a fixed file runs at once
        return Stream.of(DynamicTest.dynamicTest("a file made executable later runs", () -> {
            Path dir = scratch.resolve("made-executable");
            Harness.reset(dir);
            Path script = dir.resolve("later.sh");
            write(script, "#!/bin/sh\necho later\n");
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rw-r--r--"));
            Observed before = new Observed();
            try {
                Harness.spawn().command(script.toString()).start();
                before.put("start", "ok");
            } catch (IOException e) {
                before.exception("start", e);
            }
            assertTrue(before.values.get("start").contains("error=13") || before.values.get("start").contains("error: 13"),
                    before.values.toString());
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
            Observed after = Harness.runToEnd(Harness.spawn().command(script.toString()).start(), new Observed());
            assertEquals("later\n", after.values.get("stdout"));
        }));
    }
}
