package dev.spawn.bench.agent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a run's outcomes against the reference run (ProcessBuilder's), call by call: same exit
 * code, same stdout digest and as many stderr bytes, no call missing, no library error. A fast
 * wrong backend cannot win.
 */
public final class Verifier {
    /** A call whose outcome differs from the reference. */
    public record Mismatch(int index, String call, String expected, String actual) {
        @Override
        public String toString() {
            return call + ": expected " + expected + ", got " + actual;
        }
    }

    private Verifier() {
    }

    /** The mismatches of {@code actual} against {@code reference}; empty when all agree. */
    public static List<Mismatch> compare(List<CallOutcome> reference, List<CallOutcome> actual,
            List<CallSpec> calls) {
        Map<Integer, CallOutcome> expected = byIndex(reference);
        Map<Integer, CallOutcome> got = byIndex(actual);
        List<Mismatch> mismatches = new ArrayList<>();
        for (CallSpec call : calls) {
            CallOutcome want = expected.get(call.index());
            CallOutcome have = got.get(call.index());
            if (have == null) {
                mismatches.add(new Mismatch(call.index(), call.describe(), describe(want), "no result"));
            } else if (want == null) {
                mismatches.add(new Mismatch(call.index(), call.describe(), "no reference", describe(have)));
            } else if (!have.sameResultAs(want)) {
                mismatches.add(new Mismatch(call.index(), call.describe(), describe(want), describe(have)));
            }
        }
        for (Integer index : got.keySet()) {
            if (index < 0 || index >= calls.size()) {
                mismatches.add(new Mismatch(index, "#" + index, "no such call", describe(got.get(index))));
            }
        }
        return mismatches;
    }

    private static String describe(CallOutcome outcome) {
        return outcome == null ? "no result" : outcome.summary();
    }

    private static Map<Integer, CallOutcome> byIndex(List<CallOutcome> outcomes) {
        Map<Integer, CallOutcome> map = new HashMap<>();
        for (CallOutcome outcome : outcomes) {
            if (map.put(outcome.index(), outcome) != null) {
                throw new IllegalArgumentException("call #" + outcome.index() + " has two results");
            }
        }
        return map;
    }
}
