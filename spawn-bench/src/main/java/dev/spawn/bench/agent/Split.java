package dev.spawn.bench.agent;

import java.util.ArrayList;
import java.util.List;

/** W worker processes with I calls in flight each, written {@code WxI}. */
public record Split(int workers, int inFlight) {
    /** The RFC's splits: 16 in flight in all, over 1, 2, 4 and 8 processes. */
    public static final List<Split> DEFAULTS = List.of(new Split(1, 16), new Split(2, 8), new Split(4, 4),
            new Split(8, 2));

    public Split {
        if (workers < 1 || inFlight < 1) {
            throw new IllegalArgumentException("split " + workers + "x" + inFlight + ": both numbers must be >= 1");
        }
    }

    /**
     * Parses {@code "2x8"}.
     *
     * @throws IllegalArgumentException naming the bad text
     */
    public static Split parse(String text) {
        String[] parts = text.trim().toLowerCase(java.util.Locale.ROOT).split("x", -1);
        if (parts.length != 2) {
            throw new IllegalArgumentException("split \"" + text + "\" is not WORKERSxIN_FLIGHT, e.g. 2x8");
        }
        try {
            return new Split(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("split \"" + text + "\" is not WORKERSxIN_FLIGHT, e.g. 2x8", e);
        }
    }

    /**
     * Parses a comma-separated list such as {@code "1x16,2x8"}; never empty. A split listed twice is
     * rejected: it would run twice a round, and the report pairs one run per cell and round.
     */
    public static List<Split> parseList(String text) {
        List<Split> splits = new ArrayList<>();
        for (String part : text.split(",")) {
            if (!part.isBlank()) {
                Split split = parse(part);
                if (splits.contains(split)) {
                    throw new IllegalArgumentException("split " + split + " is listed twice in \"" + text + "\"");
                }
                splits.add(split);
            }
        }
        if (splits.isEmpty()) {
            throw new IllegalArgumentException("no split in \"" + text + "\"");
        }
        return List.copyOf(splits);
    }

    /** Calls in flight over all workers. */
    public int totalInFlight() {
        return workers * inFlight;
    }

    @Override
    public String toString() {
        return workers + "x" + inFlight;
    }
}
