package dev.spawn.bench.agent;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class HostInfoTest {
    @Test
    void theHypervisorFlagMakesTheCpuVirtual() {
        assertTrue(HostInfo.underHypervisor(List.of("processor\t: 0", "model name\t: Intel(R) Xeon(R) Processor",
                "flags\t\t: fpu vme sse2 ss syscall nx lm constant_tsc hypervisor lahf_lm")));
    }

    @Test
    void withoutTheFlagTheCpuIsNotVirtual() {
        assertFalse(HostInfo.underHypervisor(List.of("flags\t\t: fpu vme sse2 hypervisorlike x2apic")));
        assertFalse(HostInfo.underHypervisor(List.of()));
    }

    @Test
    void aVirtualCpuIsSaidSoInTheReportHeader() {
        String header = new HostInfo("jdk", "cpu", 2, true, "linux", "now").describe();
        assertTrue(header.contains("CPU:    cpu (2 cores; virtual: the hypervisor answers each CPUID"), header);
        assertFalse(new HostInfo("jdk", "cpu", 2, false, "linux", "now").describe().contains("virtual"));
    }
}
