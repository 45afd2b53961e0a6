package dev.spawn.linux;

/**
 * The running kernel's major and minor version, read from {@code os.version} (the JDK fills it
 * from uname(2)'s release, e.g. {@code 6.12.117-spawn-template}).
 */
final class KernelRelease {
    /** The running kernel's, or null when its release does not start with a number. */
    static final KernelRelease RUNNING = parse(System.getProperty("os.version", ""));

    private final int major;
    private final int minor;

    private KernelRelease(int major, int minor) {
        this.major = major;
        this.minor = minor;
    }

    /** major.minor from the start of a release string such as {@code 6.18.44-fc} (minor 0 when absent), else null. */
    static KernelRelease parse(String release) {
        String[] parts = release.split("[.-]", 3);
        try {
            return new KernelRelease(Integer.parseInt(parts[0]), parts.length < 2 ? 0 : Integer.parseInt(parts[1]));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    boolean atLeast(int wantedMajor, int wantedMinor) {
        return major > wantedMajor || major == wantedMajor && minor >= wantedMinor;
    }

    @Override
    public String toString() {
        return major + "." + minor;
    }
}
