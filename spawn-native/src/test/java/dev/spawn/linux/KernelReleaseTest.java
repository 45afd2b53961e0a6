package dev.spawn.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class KernelReleaseTest {
    @Test
    void readsMajorAndMinorFromReleaseStrings() {
        assertEquals("6.12", KernelRelease.parse("6.12.117-spawn-template").toString());
        assertEquals("6.18", KernelRelease.parse("6.18.44-fc-v669").toString());
        assertEquals("7.0", KernelRelease.parse("7.0").toString());
        assertEquals("5.15", KernelRelease.parse("5.15-rc3").toString());
        assertEquals("6.0", KernelRelease.parse("6").toString(), "a release without a minor, as the old probe read it");
    }

    @Test
    void comparesAgainstAWantedVersion() {
        assertFalse(KernelRelease.parse("6.12.117").atLeast(6, 14));
        assertTrue(KernelRelease.parse("6.14.0").atLeast(6, 14));
        assertTrue(KernelRelease.parse("7.0.1").atLeast(6, 14));
        assertFalse(KernelRelease.parse("5.10.200").atLeast(5, 11));
    }

    @Test
    void anythingElseIsUnknown() {
        assertNull(KernelRelease.parse(""));
        assertNull(KernelRelease.parse("x"));
        assertNull(KernelRelease.parse("linux-6.1"));
        assertNull(KernelRelease.parse("6.x.1"));
    }
}
