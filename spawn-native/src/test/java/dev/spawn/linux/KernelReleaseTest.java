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

    @Test
    void elfTemplatesExecTheirPathWhereExecveatWouldNameTheChildOtherwise() {
        KernelRelease old = KernelRelease.parse("6.12.117");
        KernelRelease fixed = KernelRelease.parse("6.14.0");
        assertTrue(UserspaceBackend.execsByPath(false, "/usr/bin/env", false, old), "named after the fd number");
        assertFalse(UserspaceBackend.execsByPath(false, "/usr/bin/env", false, fixed));
        assertTrue(UserspaceBackend.execsByPath(false, "/usr/bin/sh", true, fixed), "named after the symlink's target");
        assertFalse(UserspaceBackend.execsByPath(false, null, false, old), "an fd has no path");
        assertFalse(UserspaceBackend.execsByPath(false, "/proc/self/fd/7", true, old), "a path that names an fd");
        assertFalse(UserspaceBackend.execsByPath(false, "/dev/fd/7", true, old), "a path that names an fd");
        assertTrue(UserspaceBackend.execsByPath(true, "/usr/bin/tool.sh", false, fixed), "a script always");
        assertTrue(UserspaceBackend.execsByPath(false, "/usr/bin/env", false, null), "an unknown release is taken as old");
    }
}
