package dev.spawn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spawn.spi.BackendTemplate;
import dev.spawn.spi.ChildOptionSupport;
import dev.spawn.spi.Errno;
import dev.spawn.spi.StaleTemplateException;
import dev.spawn.spi.SpawnBackend;
import dev.spawn.spi.ToolCallSupport;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The rule for child options: a backend that cannot apply one hands the request on, counted; never dropped. */
class ChildOptionRoutingTest {
    /** A backend whose templates apply exactly {@code options}; spawns are recorded, not run. */
    static final class OptionBackend implements SpawnBackend {
        final Backend kind;
        final Set<ChildOption> options;
        final List<SpawnRequest> served = new ArrayList<>();
        final List<OptionTemplate> made = new ArrayList<>();
        /** When not 0, the next create fails with this errno. */
        int failNextCreate;
        /** When true, the next spawn finds its template stale (ESTALE). */
        boolean staleNextSpawn;
        /** Whether its templates run tool calls, as the native backends' do. */
        boolean runsToolCalls;
        /** When set, the tool calls of its templates fail with this, as the event loop fails them. */
        Throwable toolCallFailure;

        OptionBackend(Backend kind, Set<ChildOption> options) {
            this.kind = kind;
            this.options = options;
        }

        @Override
        public Backend kind() {
            return kind;
        }

        @Override
        public Throwable unavailabilityCause() {
            return null;
        }

        @Override
        public BackendTemplate create(Path executable) throws SpawnException {
            if (failNextCreate != 0) {
                int errno = failNextCreate;
                failNextCreate = 0;
                throw new SpawnException(SpawnException.Stage.CREATE, errno, executable.toString(), null, "create", -1,
                        null, null);
            }
            OptionTemplate template = runsToolCalls ? new ToolCallTemplate() : new OptionTemplate();
            made.add(template);
            return template;
        }

        @Override
        public BackendTemplate create(int executableFd) throws SpawnException {
            return create(Path.of("/proc/self/fd/" + executableFd));
        }

        class OptionTemplate implements BackendTemplate, ChildOptionSupport {
            boolean closed;

            @Override
            public Backend kind() {
                return kind;
            }

            @Override
            public Set<ChildOption> supportedChildOptions() {
                return options;
            }

            @Override
            public SpawnedProcess spawn(SpawnRequest request) throws SpawnException {
                if (staleNextSpawn) {
                    staleNextSpawn = false;
                    throw new StaleTemplateException(Errno.ESTALE, "/bin/true", null, "spawn", null);
                }
                if (!options.containsAll(request.childOptions())) {
                    throw new AssertionError(kind + " was asked for " + request.childOptions());
                }
                served.add(request);
                return new FakeBackend.Finished(kind);
            }

            @Override
            public void close() {
                closed = true;
            }
        }

        /** A template that runs a tool call as a spawn whose result is ready at once. */
        final class ToolCallTemplate extends OptionTemplate implements ToolCallSupport {
            @Override
            public CompletableFuture<ToolResult> startToolCall(SpawnRequest request, ToolCall call)
                    throws SpawnException {
                spawn(request);
                if (toolCallFailure != null) {
                    return CompletableFuture.failedFuture(toolCallFailure);
                }
                return CompletableFuture.completedFuture(new ToolResult(1, kind, 0, 0, new byte[0], new byte[0], 0, 0,
                        false, false, Duration.ZERO));
            }
        }
    }

    private final OptionBackend kernel = new OptionBackend(Backend.KERNEL_TEMPLATE, Set.of(ChildOption.RESET_SIGNALS));
    private final OptionBackend userspace = new OptionBackend(Backend.USERSPACE, EnumSet.allOf(ChildOption.class));

    @Test
    void optionsTheKernelCannotApplyMoveTheRequestToUserspaceAndAreCounted() throws IOException {
        Spawner spawner = Spawner.withBackends(List.of(kernel, userspace));
        try (SpawnTemplate template = spawner.template(Path.of("/bin/true"))) {
            assertEquals(Backend.KERNEL_TEMPLATE, template.spawn("true").backend());
            assertEquals(Backend.KERNEL_TEMPLATE,
                    template.spawn(SpawnRequest.builder("x").resetSignals(true).build()).backend());
            SpawnRequest grouped = SpawnRequest.builder("x").newProcessGroup().parentDeathSignal(9).build();
            assertEquals(Backend.USERSPACE, template.spawn(grouped).backend());
            assertEquals(Backend.USERSPACE, template.spawn(grouped).backend());
            assertEquals(Backend.USERSPACE,
                    template.spawn(SpawnRequest.builder("x").newSession().build()).backend());
            assertEquals(Backend.KERNEL_TEMPLATE, template.backend(), "the template itself stays on the kernel");
            assertEquals(1, userspace.made.size(), "one userspace template serves every moved request");
            assertEquals(2, kernel.served.size());
            assertEquals(3, userspace.served.size());
        }
        SpawnStats stats = spawner.stats();
        assertEquals(Map.of("KERNEL_TEMPLATE->USERSPACE (setpgid, pdeathsig)", 2L,
                "KERNEL_TEMPLATE->USERSPACE (setsid)", 1L), stats.fallbacks());
        assertEquals(3, stats.spawns(Backend.USERSPACE));
        assertTrue(userspace.made.get(0).closed, "closing the template closes the moved one too");
    }

    @Test
    void aTemplateMadeFromAnFdMakesItsMovedTemplateAtOnceAndNeverFromTheFdAgain() throws IOException {
        Spawner spawner = Spawner.withBackends(List.of(kernel, userspace));
        try (SpawnTemplate template = spawner.template(7)) {
            assertEquals(1, userspace.made.size(), "made while fd 7 is still the caller's executable");
            assertEquals(Backend.USERSPACE, template.spawn(SpawnRequest.builder("x").newSession().build()).backend());
            assertEquals(Backend.KERNEL_TEMPLATE, template.spawn("x").backend());
            assertEquals(1, userspace.made.size());
        }
        assertTrue(userspace.made.get(0).closed);
    }

    @Test
    void aTemplateMadeFromAnFdThatNoLaterBackendTookNeverRetriesTheFd() throws IOException {
        Spawner spawner = Spawner.withBackends(List.of(kernel, userspace));
        userspace.failNextCreate = Errno.ENOEXEC;
        try (SpawnTemplate template = spawner.template(7)) {
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> template.spawn(SpawnRequest.builder("x").newSession().build()));
            assertTrue(e.getMessage().contains("no later backend"), e.getMessage());
            assertThrows(UnsupportedOperationException.class,
                    () -> template.spawn(SpawnRequest.builder("x").newSession().build()));
            assertTrue(userspace.made.isEmpty(), "fd 7 may name another file by now");
            assertEquals(Backend.KERNEL_TEMPLATE, template.spawn("x").backend());
        }
    }

    @Test
    void aFailureToMakeAnFdTemplatesMovedTemplateFailsOnlyTheRequestsThatNeedItAndSaysWhy() throws IOException {
        Spawner spawner = Spawner.withBackends(List.of(kernel, userspace));
        userspace.failNextCreate = Errno.EMFILE;
        try (SpawnTemplate template = spawner.template(7)) {
            assertEquals(Backend.KERNEL_TEMPLATE, template.spawn("x").backend());
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> template.spawn(SpawnRequest.builder("x").newSession().build()));
            assertEquals(Errno.EMFILE, ((SpawnException) e.getSuppressed()[0]).errno(), "why USERSPACE could not");
            assertTrue(userspace.made.isEmpty());
        }
        assertTrue(kernel.made.get(0).closed);
    }

    @Test
    void aPassingFailureToCreateTheLaterTemplateIsThrownNotHiddenAsUnsupported() throws IOException {
        Spawner spawner = Spawner.withBackends(List.of(kernel, userspace));
        try (SpawnTemplate template = spawner.template(Path.of("/bin/true"))) {
            userspace.failNextCreate = dev.spawn.spi.Errno.EMFILE;
            SpawnException e = assertThrows(SpawnException.class,
                    () -> template.spawn(SpawnRequest.builder("x").newSession().build()));
            assertEquals(dev.spawn.spi.Errno.EMFILE, e.errno());
            assertEquals(Backend.USERSPACE, template.spawn(SpawnRequest.builder("x").newSession().build()).backend(),
                    "the next spawn creates the moved template");
        }
    }

    @Test
    void anOptionIsNotDroppedWhenAStaleTemplateFallsBackToABackendThatCannotApplyIt() throws IOException {
        OptionBackend last = new OptionBackend(Backend.PROCESS_BUILDER, Set.of());
        Spawner spawner = Spawner.withBackends(List.of(kernel, last));
        try (SpawnTemplate template = spawner.template(Path.of("/bin/true"))) {
            // the tool was replaced by a script: the kernel's re-create says ENOEXEC
            kernel.staleNextSpawn = true;
            kernel.failNextCreate = Errno.ENOEXEC;
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> template.spawn(SpawnRequest.builder("x").resetSignals(true).build()));
            assertTrue(e.getMessage().contains("PROCESS_BUILDER backend cannot apply"), e.getMessage());
            assertEquals(Backend.PROCESS_BUILDER, template.backend());
            assertTrue(last.served.isEmpty(), "never started without the signal reset");
            assertEquals(Backend.PROCESS_BUILDER, template.spawn("x").backend());
        }
    }

    @Test
    void aMovedTemplateOnTheBackendTheTemplateFallsBackToIsClosedThen() throws IOException {
        Spawner spawner = Spawner.withBackends(List.of(kernel, userspace));
        try (SpawnTemplate template = spawner.template(Path.of("/bin/true"))) {
            assertEquals(Backend.USERSPACE, template.spawn(SpawnRequest.builder("x").newSession().build()).backend());
            assertEquals(1, userspace.made.size());
            kernel.staleNextSpawn = true;
            kernel.failNextCreate = Errno.ENOEXEC;
            assertEquals(Backend.USERSPACE, template.spawn("x").backend());
            assertEquals(2, userspace.made.size(), "the template itself now lives on userspace");
            assertTrue(userspace.made.get(0).closed, "the moved one is never used again: closed, not kept");
            assertEquals(Backend.USERSPACE, template.spawn(SpawnRequest.builder("x").newSession().build()).backend());
            assertEquals(2, userspace.made.size(), "a request with options is served by the template itself");
        }
    }

    @Test
    void aBackendThatCannotAndNothingAfterItThrowsNamingTheOption() throws IOException {
        OptionBackend last = new OptionBackend(Backend.PROCESS_BUILDER, Set.of());
        Spawner spawner = Spawner.withBackends(List.of(last));
        try (SpawnTemplate template = spawner.template(Path.of("/bin/true"))) {
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> template.spawn(SpawnRequest.builder("x").parentDeathSignal(15).build()));
            assertTrue(e.getMessage().contains("PROCESS_BUILDER backend cannot apply pdeathsig"), e.getMessage());
            assertTrue(last.served.isEmpty());
        }
    }

    @Test
    void theRealProcessBuilderBackendRefusesEveryOption() throws IOException {
        try (SpawnTemplate template = Spawner.using(Backend.PROCESS_BUILDER).template(Path.of("/bin/true"))) {
            for (SpawnRequest request : List.of(SpawnRequest.builder("x").newSession().build(),
                    SpawnRequest.builder("x").newProcessGroup().build(),
                    SpawnRequest.builder("x").joinProcessGroup(1234).build(),
                    SpawnRequest.builder("x").parentDeathSignal(9).build(),
                    SpawnRequest.builder("x").resetSignals(true).build())) {
                UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                        () -> template.spawn(request));
                String option = request.childOptions().iterator().next().call();
                assertTrue(e.getMessage().contains(option), e.getMessage());
            }
        }
    }

    @Test
    void aToolCallWithNoBackendThatRunsToolCallsSaysSoRatherThanNamingAnOption() throws IOException {
        String why = "the PROCESS_BUILDER backend cannot run tool calls (no event loop; it needs spawn-native)";
        try (SpawnTemplate template = Spawner.using(Backend.PROCESS_BUILDER).template(Path.of("/bin/true"))) {
            ToolCall call = ToolCall.builder("true").build();
            assertEquals(why, assertThrows(UnsupportedOperationException.class, () -> template.call(call)).getMessage());
            assertEquals(why,
                    assertThrows(UnsupportedOperationException.class, () -> template.callAsync(call)).getMessage());
        }
    }

    @Test
    void aToolCallOnATemplateThatFellBackToProcessBuilderSaysToolCallsNeedSpawnNative() throws IOException {
        kernel.runsToolCalls = true;
        OptionBackend last = new OptionBackend(Backend.PROCESS_BUILDER, Set.of());
        Spawner spawner = Spawner.withBackends(List.of(kernel, last));
        try (SpawnTemplate template = spawner.template(Path.of("/bin/true"))) {
            // the tool was replaced by a script: the kernel's re-create says ENOEXEC
            kernel.staleNextSpawn = true;
            kernel.failNextCreate = Errno.ENOEXEC;
            ToolCall resetOnly = ToolCall.builder("x").group(ToolCall.Group.CALLER).parentDeathSignal(0).build();
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> template.callAsync(resetOnly));
            assertTrue(e.getMessage().contains("PROCESS_BUILDER backend cannot run tool calls"), e.getMessage());
            assertTrue(last.served.isEmpty());
        }
    }

    @Test
    void aToolCallStillMovesToALaterBackendForItsOptions() throws Exception {
        kernel.runsToolCalls = true;
        userspace.runsToolCalls = true;
        Spawner spawner = Spawner.withBackends(List.of(kernel, userspace));
        try (SpawnTemplate template = spawner.template(Path.of("/bin/true"))) {
            assertEquals(Backend.USERSPACE, template.call(ToolCall.builder("x").build()).backend());
            assertEquals(Backend.USERSPACE, template.callAsync(ToolCall.builder("x").build()).get().backend());
        }
        assertEquals(2L, spawner.stats().fallbacks().get("KERNEL_TEMPLATE->USERSPACE (setpgid, pdeathsig)"));
    }

    /** An OutOfMemoryError copying a result's output is not an I/O failure of the call. */
    @Test
    void callThrowsAnErrorFromTheLoopAsItIsAndWrapsNoCheckedCause() throws Exception {
        userspace.runsToolCalls = true;
        Spawner spawner = Spawner.withBackends(List.of(userspace));
        try (SpawnTemplate template = spawner.template(Path.of("/bin/true"))) {
            OutOfMemoryError oom = new OutOfMemoryError("copying the output");
            userspace.toolCallFailure = oom;
            assertSame(oom, assertThrows(OutOfMemoryError.class, () -> template.call(ToolCall.builder("x").build())));
            IOException io = new IOException("epoll_ctl: ENOSPC");
            userspace.toolCallFailure = io;
            assertSame(io, assertThrows(IOException.class, () -> template.call(ToolCall.builder("x").build())));
        }
    }

    @Test
    void requestOptionsAreValidatedAndReplaceEachOther() {
        SpawnRequest.Builder builder = SpawnRequest.builder("x").newSession().newProcessGroup();
        SpawnRequest request = builder.build();
        assertEquals(Set.of(ChildOption.PROCESS_GROUP), request.childOptions());
        assertEquals(0, request.processGroup());
        request = builder.joinProcessGroup(77).newSession().build();
        assertTrue(request.newSession());
        assertEquals(SpawnRequest.SAME_GROUP, request.processGroup());
        assertEquals(request.childOptions(), request.toBuilder().build().childOptions());
        assertThrows(IllegalArgumentException.class, () -> SpawnRequest.builder("x").joinProcessGroup(1));
        assertThrows(IllegalArgumentException.class, () -> SpawnRequest.builder("x").joinProcessGroup(1L << 40));
        assertThrows(IllegalArgumentException.class, () -> SpawnRequest.builder("x").parentDeathSignal(65));
        assertEquals(Set.of(), SpawnRequest.builder("x").build().childOptions());
    }

    @Test
    void aToolCallBecomesARequestWithItsOptions() {
        ToolCall call = ToolCall.builder("rg", "x").environment(Map.of("PATH", "/bin")).timeout(Duration.ofSeconds(10))
                .build();
        SpawnRequest request = call.toRequest();
        assertEquals(EnumSet.of(ChildOption.PROCESS_GROUP, ChildOption.PARENT_DEATH_SIGNAL, ChildOption.RESET_SIGNALS),
                request.childOptions());
        assertEquals(Map.of("PATH", "/bin"), request.environment());
        assertEquals(Stdio.Kind.DISCARD, request.stdin().kind());
        assertEquals(Map.of(), ToolCall.builder("x").build().toRequest().environment(), "nothing inherited by default");
        assertEquals(null, ToolCall.builder("x").inheritEnvironment().build().toRequest().environment());
        assertEquals(Stdio.Kind.PIPE, ToolCall.builder("x").stdin(new byte[1]).build().toRequest().stdin().kind());
        assertTrue(ToolCall.builder("x").group(ToolCall.Group.NEW_SESSION).build().toRequest().newSession());
        assertThrows(IllegalArgumentException.class, () -> ToolCall.builder("x").timeout(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> ToolCall.builder("x").outputCap(-1));
        assertThrows(IllegalArgumentException.class, () -> new KillPolicy(0, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, ToolCall::builder);
    }
}
