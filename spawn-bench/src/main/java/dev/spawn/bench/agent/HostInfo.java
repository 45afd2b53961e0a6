package dev.spawn.bench.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * What the figures depend on: JDK, CPU, cores, kernel, and whether the CPU is virtual. Under a
 * hypervisor every CPUID instruction is the hypervisor's to answer (a trap under KVM, emulation
 * under TCG), and glibc's loader runs dozens at every program's start, which can make it most of
 * a small tool's start (docs/PERFORMANCE.md): the same calls cost such a machine more, and every
 * backend's gain over another shrinks.
 */
public record HostInfo(String jdk, String cpu, int cores, boolean virtualized, String kernel, String date) {

    public static HostInfo current() {
        String jdk = System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version") + " ("
                + System.getProperty("java.vendor") + ")";
        List<String> cpuinfo = readCpuinfo();
        return new HostInfo(jdk, cpuModel(cpuinfo), Runtime.getRuntime().availableProcessors(),
                underHypervisor(cpuinfo), readKernel(),
                OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS).toString());
    }

    private static List<String> readCpuinfo() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo"));
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    /** Whether {@code /proc/cpuinfo}'s lines set the {@code hypervisor} flag (CPUID leaf 1, ECX bit 31). */
    static boolean underHypervisor(List<String> cpuinfo) {
        for (String line : cpuinfo) {
            if (line.startsWith("flags")) {
                return List.of(line.substring(line.indexOf(':') + 1).trim().split("\\s+")).contains("hypervisor");
            }
        }
        return false;
    }

    private static String cpuModel(List<String> cpuinfo) {
        for (String line : cpuinfo) {
            if (line.startsWith("model name")) {
                return line.substring(line.indexOf(':') + 1).trim();
            }
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
        return "JDK:    " + jdk + "\nCPU:    " + cpu + " (" + cores + " cores" + (virtualized
                ? "; virtual: the hypervisor answers each CPUID, dozens at every glibc program's start" : "")
                + ")\nKernel: " + kernel + "\nDate:   " + date;
    }
}
