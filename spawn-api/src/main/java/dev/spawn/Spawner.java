package dev.spawn;

import dev.spawn.internal.ProcessBuilderBackend;
import dev.spawn.spi.SpawnBackend;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes {@link SpawnTemplate}s through a chain of backends, best first: KERNEL_TEMPLATE when a
 * probe proved both of its system calls, USERSPACE when the native library loads, PROCESS_BUILDER
 * always. A template moves down the chain when its backend cannot serve it: ENOEXEC or ENOSYS at
 * create, or at the re-create of a stale template (a stale one is otherwise re-created on the
 * same backend). Every such move is counted and logged once.
 *
 * <p>{@code -Dspawn.backend=kernel|userspace|processbuilder} makes {@link #system()} use that one
 * backend alone, with no fallback.
 */
public final class Spawner {
    private static final Logger LOG = LoggerFactory.getLogger(Spawner.class);
    private static volatile Spawner system;

    private final List<SpawnBackend> chain;
    private final Map<Backend, String> unavailable;
    private final Map<Backend, LongAdder> spawns = new EnumMap<>(Backend.class);
    private final Map<Backend, LongAdder> templates = new EnumMap<>(Backend.class);
    private final LongAdder recreated = new LongAdder();
    private final Map<String, LongAdder> fallbacks = new ConcurrentHashMap<>();
    private final Set<String> logged = ConcurrentHashMap.newKeySet();

    private Spawner(List<SpawnBackend> chain, Map<Backend, String> unavailable) {
        this.chain = List.copyOf(chain);
        this.unavailable = Collections.unmodifiableMap(unavailable);
        for (Backend backend : Backend.values()) {
            spawns.put(backend, new LongAdder());
            templates.put(backend, new LongAdder());
        }
    }

    /**
     * The JVM-wide spawner, built on first use from the backends on the class path and the
     * {@code spawn.backend} property.
     *
     * @throws IllegalStateException when {@code spawn.backend} names a backend that is unavailable
     */
    public static Spawner system() {
        Spawner current = system;
        if (current == null) {
            synchronized (Spawner.class) {
                current = system;
                if (current == null) {
                    String forced = System.getProperty("spawn.backend");
                    current = forced == null || forced.isBlank() ? of(Backend.values())
                            : using(Backend.fromPropertyName(forced));
                    LOG.info("spawn uses {} (chain {}{}, unavailable {})", current.preferredBackend(),
                            current.backends(), forced == null || forced.isBlank() ? "" : ", forced by spawn.backend",
                            current.unavailable);
                    system = current;
                }
            }
        }
        return current;
    }

    /**
     * A spawner that uses {@code backend} alone.
     *
     * @throws IllegalStateException naming the cause when that backend is unavailable
     */
    public static Spawner using(Backend backend) {
        Spawner spawner = over(backend);
        if (spawner.chain.isEmpty()) {
            throw new IllegalStateException("spawn backend " + backend + " is unavailable: "
                    + spawner.unavailable.get(backend));
        }
        return spawner;
    }

    /**
     * A spawner over the available ones of {@code backends}, in their natural order.
     *
     * @throws IllegalArgumentException when no backend is given
     * @throws IllegalStateException naming each one's cause when none of them is available
     */
    public static Spawner of(Backend... backends) {
        if (backends.length == 0) {
            throw new IllegalArgumentException("a spawner needs at least one backend");
        }
        Spawner spawner = over(backends);
        if (spawner.chain.isEmpty()) {
            throw new IllegalStateException("no spawn backend of " + Set.of(backends) + " is available: "
                    + spawner.unavailable);
        }
        return spawner;
    }

    /** The available ones of {@code backends}, in their natural order; none when none is. */
    private static Spawner over(Backend... backends) {
        Set<Backend> wanted = Set.of(backends);
        List<SpawnBackend> found = new ArrayList<>();
        Map<Backend, String> unavailable = new EnumMap<>(Backend.class);
        List<SpawnBackend> all = new ArrayList<>();
        for (SpawnBackend backend : ServiceLoader.load(SpawnBackend.class, Spawner.class.getClassLoader())) {
            all.add(backend);
        }
        all.add(ProcessBuilderBackend.INSTANCE);
        for (SpawnBackend backend : all) {
            if (!wanted.contains(backend.kind())) {
                continue;
            }
            Throwable cause = backend.unavailabilityCause();
            if (cause == null) {
                found.add(backend);
            } else {
                unavailable.put(backend.kind(), String.valueOf(cause.getMessage()));
                LOG.debug("spawn backend {} is unavailable", backend.kind(), cause);
            }
        }
        for (Backend backend : wanted) {
            if (found.stream().noneMatch(b -> b.kind() == backend)) {
                unavailable.putIfAbsent(backend, "not on the class path (spawn-native missing?)");
            }
        }
        found.sort(Comparator.comparing(SpawnBackend::kind));
        Spawner spawner = new Spawner(found, unavailable);
        if (!found.isEmpty()) {
            LOG.debug("spawner over {} (unavailable {})", spawner.backends(), unavailable);
        }
        return spawner;
    }

    /** A spawner over exactly {@code backends}, in the order given (tests of the chain rules). */
    static Spawner withBackends(List<SpawnBackend> backends) {
        return new Spawner(backends, new EnumMap<>(Backend.class));
    }

    /**
     * A template for the executable at {@code executable}, an absolute path.
     *
     * @throws IllegalArgumentException when the path is relative or contains NUL
     * @throws java.nio.file.NoSuchFileException when it does not exist
     * @throws java.nio.file.AccessDeniedException when it is not an executable regular file, is on a
     *     noexec mount, or a directory on its path cannot be searched; the message says which
     *     where the backend can tell
     * @throws SpawnException for any other errno
     */
    public SpawnTemplate template(Path executable) throws IOException {
        Checks.localPath("template path", executable);
        if (!executable.isAbsolute()) {
            throw new IllegalArgumentException("template path \"" + executable + "\" is not absolute");
        }
        return SpawnTemplate.create(this, executable, -1);
    }

    /**
     * A template for the executable open at {@code executableFd} in this process. The fd stays
     * the caller's, who may close it once this returns: the template holds its own reference to
     * the file. A template made this way is not re-created when its executable changes, and the
     * templates of later backends that requests with {@link ChildOption child options} may need
     * are made now, once: where one cannot be made (even for a passing reason such as EMFILE),
     * such requests get {@link UnsupportedOperationException} with that failure attached.
     */
    public SpawnTemplate template(int executableFd) throws IOException {
        if (executableFd < 0) {
            throw new IllegalArgumentException("executable fd " + executableFd + " is negative");
        }
        return SpawnTemplate.create(this, null, executableFd);
    }

    /** The backends in use, best first. */
    public List<Backend> backends() {
        List<Backend> kinds = new ArrayList<>();
        for (SpawnBackend backend : chain) {
            kinds.add(backend.kind());
        }
        return kinds;
    }

    /** The backend new templates try first. */
    public Backend preferredBackend() {
        return chain.get(0).kind();
    }

    /** Backends asked for but unavailable, with the reason. */
    public Map<Backend, String> unavailableBackends() {
        return unavailable;
    }

    /** A snapshot of this spawner's counters. */
    public SpawnStats stats() {
        Map<Backend, Long> spawnCounts = new EnumMap<>(Backend.class);
        Map<Backend, Long> templateCounts = new EnumMap<>(Backend.class);
        spawns.forEach((backend, count) -> spawnCounts.put(backend, count.sum()));
        templates.forEach((backend, count) -> templateCounts.put(backend, count.sum()));
        Map<String, Long> fallbackCounts = new LinkedHashMap<>();
        fallbacks.forEach((key, count) -> fallbackCounts.put(key, count.sum()));
        return new SpawnStats(spawnCounts, templateCounts, recreated.sum(), fallbackCounts);
    }

    List<SpawnBackend> chainList() {
        return chain;
    }

    void countSpawn(Backend backend) {
        spawns.get(backend).increment();
    }

    void countTemplate(Backend backend) {
        templates.get(backend).increment();
    }

    void countRecreate(Backend backend, String path, SpawnException why) {
        recreated.increment();
        if (logged.add("recreate " + backend)) {
            LOG.info("spawn re-created a {} template for {} after {} (logged once per backend)", backend, path,
                    why.errnoName());
        }
    }

    void countFallback(Backend from, Backend to, String reason, String path) {
        String key = from + "->" + to + " (" + reason + ")";
        fallbacks.computeIfAbsent(key, k -> new LongAdder()).increment();
        if (logged.add(key)) {
            LOG.info("spawn falls back {} for {} (logged once per kind)", key, path);
        }
    }

    @Override
    public String toString() {
        return "Spawner" + backends();
    }
}
