package dev.spawn.bench.agent;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The seeded mix of tool calls. Call {@code i} depends only on the seed, {@code i} and the tool
 * list, so every backend and split runs exactly the same calls, and every call reads only the
 * fixture and prints nothing that varies from run to run (no times, no pids, sorted output).
 */
public final class CallMix {
    private static final String[] PATTERNS = {"TODO", "return value", "import json", "class Model", "limit=4",
        "self\\.", "def fn_0[0-3]", "handler", "cache"};
    private static final long WARMUP_SALT = 0x5EED_F00DL;

    private CallMix() {
    }

    /** {@code count} calls over {@code tools}, chosen uniformly per index. */
    public static List<CallSpec> generate(long seed, int count, List<Tool> tools) {
        if (tools.isEmpty()) {
            throw new IllegalArgumentException("no tool left to call");
        }
        List<CallSpec> calls = new ArrayList<>(count);
        for (int index = 0; index < count; index++) {
            SplittableRandom random = randomFor(seed, index);
            Tool tool = tools.get(random.nextInt(tools.size()));
            calls.add(new CallSpec(index, tool, arguments(tool, random)));
        }
        return calls;
    }

    /**
     * Warm-up calls, {@link #warmupCount} of them: every tool once first, then a mix from a
     * different stream than the timed one.
     */
    public static List<CallSpec> warmup(long seed, int count, List<Tool> tools) {
        List<CallSpec> calls = new ArrayList<>();
        int total = warmupCount(count, tools);
        for (int index = 0; index < total; index++) {
            SplittableRandom random = randomFor(seed ^ WARMUP_SALT, index);
            Tool tool = index < tools.size() ? tools.get(index) : tools.get(random.nextInt(tools.size()));
            calls.add(new CallSpec(index, tool, arguments(tool, random)));
        }
        return calls;
    }

    /** How many calls {@link #warmup} makes when asked for {@code count}: at least one per tool. */
    public static int warmupCount(int count, List<Tool> tools) {
        return Math.max(count, tools.size());
    }

    private static SplittableRandom randomFor(long seed, int index) {
        return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index);
    }

    static List<String> arguments(Tool tool, SplittableRandom random) {
        int pkg = random.nextInt(FixtureLayout.PACKAGES);
        String dir = FixtureLayout.packageDir(pkg);
        String module = FixtureLayout.module(pkg, random.nextInt(FixtureLayout.MODULES));
        String util = FixtureLayout.util(pkg, random.nextInt(FixtureLayout.UTILS));
        String pattern = PATTERNS[random.nextInt(PATTERNS.length)];
        int n = 1 + random.nextInt(40);
        int variant = random.nextInt(4);
        switch (tool) {
            case RG:
                return variant == 0 ? List.of("-n", "--sort", "path", pattern, dir)
                        : variant == 1 ? List.of("-c", "--sort", "path", pattern, "src")
                        : variant == 2 ? List.of("-l", "--sort", "path", pattern)
                        : List.of("-n", "-i", "-e", pattern, module);
            case GREP:
                return variant == 0 ? List.of("-rn", "-e", pattern, dir)
                        : variant == 1 ? List.of("-c", "-e", pattern, module)
                        : variant == 2 ? List.of("-rl", "-e", pattern, "src")
                        : List.of("-n", "-E", "def (fn|util)_[0-9]+_0[0-4]", util);
            case SED:
                return variant == 0 ? List.of("-n", n + "," + (n + 20) + "p", module)
                        : variant == 1 ? List.of("s/value/VALUE/g", util)
                        : variant == 2 ? List.of("-n", "/^class /p", module)
                        : List.of("-n", "/TODO/=", FixtureLayout.BIG_FILE);
            case AWK:
                return variant == 0 ? List.of("NR>=" + n + " && NR<=" + (n + 15), module)
                        : variant == 1 ? List.of("/def /{n++} END{print n+0}", util)
                        : variant == 2 ? List.of("-F,", "NR>1{s+=$2} END{print s}",
                                FixtureLayout.table(random.nextInt(FixtureLayout.TABLES)))
                        : List.of("$2==\"WARN\"{w++} END{print w+0}", FixtureLayout.BIG_FILE);
            case CAT:
                return variant == 0 ? List.of(FixtureLayout.BIG_FILE)
                        : variant == 1 ? List.of(FixtureLayout.note(random.nextInt(FixtureLayout.NOTES)))
                        : List.of(module);
            case HEAD:
                return variant == 0 ? List.of("-c", "4000", FixtureLayout.BIG_FILE) : List.of("-n", "" + n, module);
            case TAIL:
                return variant == 0 ? List.of("-n", "200", FixtureLayout.BIG_FILE) : List.of("-n", "" + n, util);
            case FIND:
                return variant == 0 ? List.of(dir, "-name", "*.py")
                        : variant == 1 ? List.of("src", "-name", "util_0" + random.nextInt(FixtureLayout.UTILS) + ".py")
                        : variant == 2 ? List.of(".", "-path", "./.git", "-prune", "-o", "-type", "f", "-name", "*.md",
                                "-print")
                        : List.of(dir, "-type", "f", "-size", "+1k");
            case STAT:
                return variant < 2 ? List.of("-c", "%n %s %a %F", module) : List.of("-c", "%n %s", module, util, dir);
            case LS:
                return variant == 0 ? List.of(dir) : variant == 1 ? List.of("-1R", dir)
                        : variant == 2 ? List.of("-la", dir + "/sub") : List.of("-A", "src");
            case GIT_STATUS:
                return variant < 2 ? List.of("--no-optional-locks", "status")
                        : variant == 2 ? List.of("--no-optional-locks", "status", "--short")
                        : List.of("--no-optional-locks", "status", "--porcelain=v1", "-b");
            case GIT_DIFF:
                return variant == 0 ? List.of("--no-optional-locks", "diff")
                        : variant == 1 ? List.of("--no-optional-locks", "diff", "--stat")
                        : variant == 2 ? List.of("--no-optional-locks", "diff", "--name-only")
                        : List.of("--no-optional-locks", "diff", "HEAD", "--", "src/pkg00");
            case PYTHON:
                return variant == 0 ? List.of("-c", "print(sum(range(" + n * 1000 + ")))")
                        : variant == 1 ? List.of("-c", "import pathlib; print(len(pathlib.Path('" + module
                                + "').read_text().splitlines()))")
                        : List.of("-c", "import json; print(json.dumps({'n': " + n + ", 'sq': " + n + " ** 2}))");
            case NODE:
                return variant == 0 ? List.of("-e", "console.log(" + n + " * " + n + ")")
                        : variant == 1 ? List.of("-e", "console.log(require('fs').readFileSync('" + module
                                + "', 'utf8').split('\\n').length)")
                        : List.of("-e", "console.log(JSON.stringify([...Array(" + n + ").keys()]))");
            case SH:
                return variant == 0 ? List.of("-c", "echo a | cat")
                        : variant == 1 ? List.of("-c", "grep -c def " + dir + "/*.py | sort -t: -k2 -n | tail -n 3")
                        : variant == 2 ? List.of("-c", "ls src | wc -l")
                        : List.of("-c", "head -n 5 " + FixtureLayout.README + " | tr a-z A-Z");
            case BASH:
                return variant == 0 ? List.of("-c", "wc -l " + dir + "/*.py | sort -n | tail -n 3")
                        : variant == 1 ? List.of("-c", "shopt -s globstar; ls " + dir + "/**/*.py | wc -l")
                        : variant == 2 ? List.of("-c", "echo $((" + n + " * " + n + "))")
                        : List.of("-c", "[[ -f " + module + " ]] && echo yes || echo no");
            default:
                throw new IllegalArgumentException("no arguments for " + tool);
        }
    }
}
