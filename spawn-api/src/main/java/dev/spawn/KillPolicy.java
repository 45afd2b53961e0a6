package dev.spawn;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link ToolCall} ends a child on timeout or cancellation: {@link #firstSignal()} first,
 * then {@code SIGKILL} after {@link #grace()} if anything is still alive. The signals go to the
 * child's whole process group when the call gave it one ({@link ToolCall.Group#OWN_GROUP} or
 * {@link ToolCall.Group#NEW_SESSION}), else to the child alone; the child itself is always
 * signalled through its pidfd too, so it is reached even if it left its group.
 *
 * @param firstSignal the signal sent first ({@code SIGTERM}, 15, by default)
 * @param grace how long to wait before {@code SIGKILL}; zero sends {@code SIGKILL} at once
 */
public record KillPolicy(int firstSignal, Duration grace) {
    /** {@code SIGTERM}. */
    public static final int SIGTERM = 15;
    /** {@code SIGKILL}. */
    public static final int SIGKILL = 9;

    /** SIGTERM, then SIGKILL 200 ms later. */
    public static final KillPolicy DEFAULT = new KillPolicy(SIGTERM, Duration.ofMillis(200));

    /** Validates the signal (1..64) and the grace (not negative). */
    public KillPolicy {
        if (firstSignal < 1 || firstSignal > SignalSet.MAX_SIGNAL) {
            throw new IllegalArgumentException("kill signal " + firstSignal + " is outside 1.." + SignalSet.MAX_SIGNAL);
        }
        Objects.requireNonNull(grace, "grace");
        if (grace.isNegative() || grace.compareTo(ToolCall.LONGEST) > 0) {
            throw new IllegalArgumentException("kill grace " + grace + " is negative or above " + ToolCall.LONGEST);
        }
    }

    /** SIGTERM, then SIGKILL after {@code grace}. */
    public static KillPolicy termThenKill(Duration grace) {
        return new KillPolicy(SIGTERM, grace);
    }

    /** SIGKILL at once. */
    public static KillPolicy killNow() {
        return new KillPolicy(SIGKILL, Duration.ZERO);
    }
}
