package dev.spawn.bench.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class VerifierTest {
    private static final List<CallSpec> CALLS = List.of(
            new CallSpec(0, Tool.CAT, List.of("README.md")),
            new CallSpec(1, Tool.GREP, List.of("-rn", "TODO", "src")),
            new CallSpec(2, Tool.LS, List.of("src")));

    private static CallOutcome ok(int index, int exit, String digest) {
        return new CallOutcome(index, exit, digest, 10, 0, 100, null);
    }

    private static List<CallOutcome> reference() {
        return List.of(ok(0, 0, "aa"), ok(1, 0, "bb"), ok(2, 0, "cc"));
    }

    @Test
    void identicalOutcomesPass() {
        List<CallOutcome> same = new ArrayList<>(reference());
        java.util.Collections.reverse(same);
        assertTrue(Verifier.compare(reference(), same, CALLS).isEmpty());
    }

    @Test
    void aDifferentDigestFailsNamingTheCall() {
        List<Verifier.Mismatch> mismatches = Verifier.compare(reference(),
                List.of(ok(0, 0, "aa"), ok(1, 0, "XX"), ok(2, 0, "cc")), CALLS);
        assertEquals(1, mismatches.size());
        assertEquals(1, mismatches.get(0).index());
        assertTrue(mismatches.get(0).toString().contains("grep -rn TODO src"), mismatches.get(0).toString());
    }

    @Test
    void aDifferentExitCodeFails() {
        assertEquals(1, Verifier.compare(reference(), List.of(ok(0, 0, "aa"), ok(1, 0, "bb"), ok(2, 2, "cc")),
                CALLS).size());
    }

    @Test
    void lostStderrFails() {
        List<Verifier.Mismatch> mismatches = Verifier.compare(reference(), List.of(ok(0, 0, "aa"),
                new CallOutcome(1, 0, "bb", 10, 7, 100, null), ok(2, 0, "cc")), CALLS);
        assertEquals(1, mismatches.size());
        assertTrue(mismatches.get(0).toString().contains("stderr 7 B"), mismatches.get(0).toString());
    }

    @Test
    void aMissingCallFails() {
        List<Verifier.Mismatch> mismatches = Verifier.compare(reference(), List.of(ok(0, 0, "aa"), ok(2, 0, "cc")),
                CALLS);
        assertEquals(1, mismatches.size());
        assertTrue(mismatches.get(0).actual().contains("no result"));
    }

    @Test
    void aLibraryErrorFailsEvenWithNoReferenceDigestToCompare() {
        CallOutcome failed = CallOutcome.failed(2, 5, new java.io.IOException("boom"));
        assertEquals(1, Verifier.compare(reference(), List.of(ok(0, 0, "aa"), ok(1, 0, "bb"), failed), CALLS)
                .size());
    }

    @Test
    void aCallOutsideTheMixFails() {
        List<CallOutcome> extra = new ArrayList<>(reference());
        extra.add(ok(7, 0, "dd"));
        assertEquals(1, Verifier.compare(reference(), extra, CALLS).size());
    }

    @Test
    void twoResultsForOneCallAreRejected() {
        List<CallOutcome> twice = new ArrayList<>(reference());
        twice.add(ok(1, 0, "bb"));
        assertThrows(IllegalArgumentException.class, () -> Verifier.compare(reference(), twice, CALLS));
    }

    @Test
    void outcomeLinesRoundTrip() {
        CallOutcome outcome = new CallOutcome(42, 1, "abcdef", 123, 4, 5678, null);
        assertEquals(outcome, CallOutcome.fromLine(outcome.toLine()));
        CallOutcome failed = CallOutcome.failed(3, 9, new IllegalStateException("two  words\nand a line"));
        assertEquals(failed, CallOutcome.fromLine(failed.toLine()));
    }
}
