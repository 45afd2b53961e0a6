package dev.spawn.bench.agent;

/**
 * The names in the fixture workspace, shared by the generator and the call mix so every call
 * names files that exist. Pure: no I/O.
 */
public final class FixtureLayout {
    public static final int PACKAGES = 12;
    public static final int MODULES = 20;
    public static final int UTILS = 6;
    public static final int NOTES = 10;
    public static final int TABLES = 5;
    /** The tracked file the fixture leaves modified, so {@code git diff} has something to say. */
    public static final String CHANGED_FILE = "src/pkg00/mod_00.py";
    /** The fixture's one untracked file. */
    public static final String UNTRACKED_FILE = "scratch/todo.txt";
    /** A file of about 256 KiB, for output larger than a pipe's buffer. */
    public static final String BIG_FILE = "logs/big.log";
    public static final String README = "README.md";

    private FixtureLayout() {
    }

    public static String packageDir(int pkg) {
        return String.format("src/pkg%02d", pkg);
    }

    public static String module(int pkg, int module) {
        return String.format("src/pkg%02d/mod_%02d.py", pkg, module);
    }

    public static String util(int pkg, int util) {
        return String.format("src/pkg%02d/sub/util_%02d.py", pkg, util);
    }

    public static String note(int note) {
        return String.format("docs/notes_%02d.md", note);
    }

    public static String table(int table) {
        return String.format("data/table_%02d.csv", table);
    }

    /** Python-like source files in all. */
    public static int sourceFiles() {
        return PACKAGES * (MODULES + UTILS);
    }
}
