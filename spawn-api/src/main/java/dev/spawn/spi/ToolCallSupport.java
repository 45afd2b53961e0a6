package dev.spawn.spi;

import dev.spawn.SpawnRequest;
import dev.spawn.ToolCall;
import dev.spawn.ToolResult;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/**
 * Implemented by a {@link BackendTemplate} that runs {@link ToolCall}s on an event loop: the
 * child is started in the calling thread, then its pipes, its exit and its timers are watched
 * by the backend's loop thread, with no thread per call.
 */
public interface ToolCallSupport {
    /**
     * Starts {@code request} (built by {@link ToolCall#toRequest()}) and runs the call.
     *
     * @return completed with the result, never on the loop thread, and never held back for
     *     long by a stage of another call's future that blocks; cancelling it kills the child
     *     (and its group)
     * @throws IOException when the child cannot be started
     */
    CompletableFuture<ToolResult> startToolCall(SpawnRequest request, ToolCall call) throws IOException;

    /**
     * As {@link #startToolCall(SpawnRequest, ToolCall)}, told whether stages may be chained on
     * the future.
     *
     * @param callerWaits true when the future goes to nobody but a thread that blocks in
     *     {@code get()} (and may cancel): the loop may then complete it itself, sparing a
     *     hand-off. False when callers may chain stages on it, which must never run on the loop
     *     thread. A backend without the hand-off to spare ignores it (the default).
     */
    default CompletableFuture<ToolResult> startToolCall(SpawnRequest request, ToolCall call, boolean callerWaits)
            throws IOException {
        return startToolCall(request, call);
    }
}
