package dev.spawn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SpawnActionTest {

    /** Every rule of the kernel's spawn_template_copy_actions(), plus openat2's open_how checks. */
    static Stream<Arguments> malformed() {
        return Stream.of(
                bad("close of a negative fd", () -> SpawnAction.close(-1), "negative"),
                bad("dup2 from a negative fd", () -> SpawnAction.dup2(-1, 1), "negative"),
                bad("dup2 to a negative fd", () -> SpawnAction.dup2(1, -2), "negative"),
                bad("dup3 O_CLOEXEC onto itself", () -> SpawnAction.dup2(4, 4, true), "flags must be 0"),
                bad("fchdir of a negative fd", () -> SpawnAction.fchdir(-3), "negative"),
                bad("open with dirfd below AT_FDCWD", () -> SpawnAction.open(-101, "x", 0, 0, 0, 0), "AT_FDCWD"),
                bad("open with a negative dirfd that is not AT_FDCWD", () -> SpawnAction.open(-5, "x", 0, 0, 0, 0),
                        "AT_FDCWD"),
                bad("sigdefault of signal 64, which the RFC never resets", () -> SpawnAction.sigdefault(64),
                        "signal 64"),
                bad("open to a negative fd", () -> SpawnAction.open("x", -1, 0, 0), "negative"),
                bad("open with mode but no O_CREAT", () -> SpawnAction.open("x", 0, 0, 0644), "needs O_CREAT"),
                bad("open with mode above 07777", () -> SpawnAction.open("x", 0, SpawnAction.O_CREAT, 010000), "07777"),
                bad("open with unknown flags", () -> SpawnAction.open("x", 0, 0x40000000, 0), "unknown flag"),
                bad("open with unknown resolve", () -> SpawnAction.open(SpawnAction.AT_FDCWD, "x", 0, 0, 0, 0x40), "resolve"),
                bad("open BENEATH with IN_ROOT", () -> SpawnAction.open(SpawnAction.AT_FDCWD, "x", 0, 0, 0,
                        SpawnAction.RESOLVE_BENEATH | SpawnAction.RESOLVE_IN_ROOT), "exclude"),
                bad("open O_PATH with O_WRONLY", () -> SpawnAction.open("x", 0, SpawnAction.O_PATH | SpawnAction.O_WRONLY, 0), "O_PATH"),
                bad("open O_CREAT with O_DIRECTORY", () -> SpawnAction.open("x", 0, SpawnAction.O_CREAT | SpawnAction.O_DIRECTORY, 0), "exclude"),
                bad("open of an empty path", () -> SpawnAction.open("", 0, 0, 0), "empty"),
                bad("open of a path with NUL", () -> SpawnAction.open("a\0b", 0, 0, 0), "NUL"),
                bad("closeRange from a negative fd", () -> SpawnAction.closeRange(-1, 5, 0), "negative"),
                bad("closeRange first above last", () -> SpawnAction.closeRange(6, 5, 0), "above last"),
                bad("closeRange last below -1", () -> SpawnAction.closeRange(3, -2, 0), "TO_MAX"),
                bad("closeRange unknown flags", () -> SpawnAction.closeRange(3, 5, 1), "flags"),
                bad("sigmask of signal 0", () -> SpawnAction.sigmask(0), "outside"),
                bad("sigdefault of signal 65", () -> SpawnAction.sigdefault(65), "outside"));
    }

    private static Arguments bad(String name, Supplier<SpawnAction> action, String message) {
        return Arguments.of(name, action, message);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedActionsAreRejectedBeforeAnySyscall(String name, Supplier<SpawnAction> action, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, action::get);
        assertTrue(e.getMessage().contains(message), () -> name + ": message was " + e.getMessage());
    }

    @Test
    void wellFormedActionsKeepTheirValuesAndPosixNames() {
        assertEquals("close(3)", SpawnAction.close(3).toString());
        assertEquals("dup2(5, 1)", SpawnAction.dup2(5, 1).toString());
        assertEquals("dup2(1, 1)", SpawnAction.dup2(1, 1).toString());
        assertEquals("dup3(5, 9, O_CLOEXEC)", SpawnAction.dup2(5, 9, true).toString());
        assertEquals("closeRange(3, max)", SpawnAction.closeRangeToMax(3, 0).toString());
        assertEquals("closeRange(3, 3, 0x4)", SpawnAction.closeRange(3, 3, SpawnAction.CLOSE_RANGE_CLOEXEC).toString());
        assertEquals("sigmask(10, 12)", SpawnAction.sigmask(10, 12).toString());
        assertEquals(0x200L | 0x800L, ((SpawnAction.SigMask) SpawnAction.sigmask(10, 12)).mask());
        assertEquals(1L << 62, ((SpawnAction.SigDefault) SpawnAction.sigdefault(63)).mask());
        SpawnAction.Open open = (SpawnAction.Open) SpawnAction.open(SpawnAction.AT_FDCWD, "/tmp/x", 1,
                SpawnAction.O_WRONLY | SpawnAction.O_CREAT, 0600, SpawnAction.RESOLVE_BENEATH);
        assertEquals("/tmp/x", open.path());
        assertEquals(0600, open.mode());
        assertEquals(SpawnAction.Type.OPEN, open.type());
        assertEquals(3, open.type().code());
        assertEquals(4, SpawnAction.closeRangeToMax(0, 0).type().code());
    }

    @Test
    void actionTypesCarryTheKernelsCodes() {
        int code = 0;
        for (SpawnAction.Type type : SpawnAction.Type.values()) {
            assertEquals(code++, type.code(), type.name());
        }
    }
}
