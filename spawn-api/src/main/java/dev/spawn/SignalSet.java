package dev.spawn;

import java.util.StringJoiner;

/** Kernel signal sets as a 64-bit mask, signal n at bit n-1. */
final class SignalSet {
    static final int MAX_SIGNAL = 64;

    private SignalSet() {
    }

    static long of(int... signals) {
        long mask = 0;
        for (int signal : signals) {
            if (signal < 1 || signal > MAX_SIGNAL) {
                throw new IllegalArgumentException("signal " + signal + " is outside 1.." + MAX_SIGNAL);
            }
            mask |= 1L << (signal - 1);
        }
        return mask;
    }

    static String toString(long mask) {
        StringJoiner joiner = new StringJoiner(", ");
        for (int signal = 1; signal <= MAX_SIGNAL; signal++) {
            if ((mask & (1L << (signal - 1))) != 0) {
                joiner.add(Integer.toString(signal));
            }
        }
        return joiner.toString();
    }
}
