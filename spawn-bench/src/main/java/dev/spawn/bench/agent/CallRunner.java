package dev.spawn.bench.agent;

import dev.spawn.Backend;
import dev.spawn.SpawnRequest;
import dev.spawn.SpawnTemplate;
import dev.spawn.SpawnedProcess;
import dev.spawn.Stdio;
import dev.spawn.ToolCall;
import dev.spawn.ToolResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Runs one call as an agent harness would: spawn from the tool's template with stdin
 * discarded and stdout and stderr piped, read stdout here and stderr on a pool thread (so a
 * child filling either pipe never deadlocks), wait for the exit.
 */
public final class CallRunner {
    private final Path workspace;
    private final Backend expected;
    private final ExecutorService stderrReaders;
    private final boolean toolCall;

    /**
     * @param stderrReaders at least as many threads as calls in flight: each call holds one
     *     (unused with {@code toolCall})
     * @param toolCall run each call with {@link SpawnTemplate#call(ToolCall)} (pipes drained and the
     *     child waited for on the library's event loop) instead of {@code spawn} + streams + waitFor
     */
    public CallRunner(Path workspace, Backend expected, ExecutorService stderrReaders, boolean toolCall) {
        this.workspace = workspace;
        this.expected = expected;
        this.stderrReaders = stderrReaders;
        this.toolCall = toolCall;
    }

    /** Runs {@code call} from {@code template}; a library failure becomes a failed outcome. */
    public CallOutcome run(SpawnTemplate template, CallSpec call) {
        long start = System.nanoTime();
        try {
            List<String> argv = new ArrayList<>(call.args().size() + 1);
            argv.add(template.executable().toString());
            argv.addAll(call.args());
            if (toolCall) {
                return viaToolCall(template, call, argv, start);
            }
            SpawnRequest request = SpawnRequest.builder().args(argv).directory(workspace)
                    .stdin(Stdio.discard()).stdout(Stdio.pipe()).stderr(Stdio.pipe()).build();
            SpawnedProcess process = template.spawn(request);
            if (process.backend() != expected) {
                process.destroyForcibly();
                throw new IllegalStateException("call ran on " + process.backend() + ", not " + expected);
            }
            Future<Long> stderr = stderrReaders.submit(() -> drain(process.getErrorStream(), null));
            MessageDigest digest = sha256();
            long stdoutBytes = drain(process.getInputStream(), digest);
            long stderrBytes = stderr.get();
            int exit = process.waitFor();
            process.getOutputStream().close();
            long micros = (System.nanoTime() - start) / 1000;
            return new CallOutcome(call.index(), exit, HexFormat.of().formatHex(digest.digest()), stdoutBytes,
                    stderrBytes, micros, null);
        } catch (ExecutionException e) {
            return CallOutcome.failed(call.index(), (System.nanoTime() - start) / 1000, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CallOutcome.failed(call.index(), (System.nanoTime() - start) / 1000, e);
        } catch (IOException | RuntimeException e) {
            return CallOutcome.failed(call.index(), (System.nanoTime() - start) / 1000, e);
        }
    }

    /**
     * The same call as a {@link ToolCall} with what {@code spawn} does here: the caller's environment
     * and process group, stdin from /dev/null, no parent-death signal, no group kill, no timeout, and
     * caps and a drain window so large that they never cut a call of the mix short.
     */
    private CallOutcome viaToolCall(SpawnTemplate template, CallSpec call, List<String> argv, long start)
            throws IOException, InterruptedException {
        ToolCall tool = ToolCall.builder(argv.toArray(new String[0])).directory(workspace).inheritEnvironment()
                .outputCap(TOOL_CALL_CAP).group(ToolCall.Group.CALLER).parentDeathSignal(0)
                .killGroupWhenDone(false).drainTimeout(java.time.Duration.ofSeconds(60)).build();
        ToolResult result = template.call(tool);
        if (result.backend() != expected) {
            throw new IllegalStateException("call ran on " + result.backend() + ", not " + expected);
        }
        if (result.stdoutTruncated() || result.stderrTruncated() || result.drainTimedOut()) {
            throw new IllegalStateException("tool call output cut short: " + result);
        }
        MessageDigest digest = sha256();
        digest.update(result.stdout());
        int exit = result.exited() ? result.exitCode() : 128 + result.signal();
        return new CallOutcome(call.index(), exit, HexFormat.of().formatHex(digest.digest()), result.stdoutTotal(),
                result.stderrTotal(), (System.nanoTime() - start) / 1000, null);
    }

    private static final long TOOL_CALL_CAP = 256L << 20;

    /** Reads {@code in} to its end and closes it; counts the bytes and feeds {@code digest} if given. */
    static long drain(InputStream in, MessageDigest digest) throws IOException {
        byte[] buffer = new byte[8192];
        long total = 0;
        try (in) {
            int count;
            while ((count = in.read(buffer)) > 0) {
                total += count;
                if (digest != null) {
                    digest.update(buffer, 0, count);
                }
            }
        }
        return total;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
