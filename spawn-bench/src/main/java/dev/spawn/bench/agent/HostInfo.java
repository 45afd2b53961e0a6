package dev.spawn.bench.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/** What the figures depend on: JDK, CPU, cores, kernel. */
public record HostInfo(String jdk, String cpu, int cores, String kernel, String date) {

    public static HostInfo current() {
        String jdk = System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version") + " ("
                + System.getProperty("java.vendor") + ")";
        return new HostInfo(jdk, readCpuModel(), Runtime.getRuntime().availableProcessors(), readKernel(),
                OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS).toString());
    }

    private static String readCpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return System.getProperty("os.arch");
    }

    private static String readKernel() {
        try {
            return System.getProperty("os.name") + " "
                    + Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim();
        } catch (IOException | RuntimeException e) {
            return System.getProperty("os.name") + " " + System.getProperty("os.version");
        }
    }

    /** Header lines for the text report. */
    public String describe() {
        return "JDK:    " + jdk + "\nCPU:    " + cpu + " (" + cores + " cores)\nKernel: " + kernel + "\nDate:   " + date;
    }
}
