package dev.spawn.linux;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.Properties;
import java.util.function.IntConsumer;

/**
 * The native shim ({@code src-c/spawn.h}) through JNA direct mapping: primitives and flat arrays
 * only, one native call per operation. Every function returns a value >= 0 or -errno.
 *
 * <p>Loading: {@code -Dspawn.library.path=/abs/libspawn.so} names the file; otherwise JNA looks
 * for {@code libspawn-VERSION.so} on {@code jna.library.path}, the system paths, and finally in
 * this jar under {@code linux-x86-64/} (JNA's own resource layout), which it extracts.
 */
final class LibSpawn {
    static final int ACTION_WORDS = 8;
    static final int RESULT_WORDS = 4;
    static final int IDENTITY_WORDS = 10;
    static final int FLAG_INHERIT_FDS = 0x1;
    static final int FLAG_EXEC_BY_PATH = 0x2;
    static final int KIND_ELF = 0;
    static final int DENIED_SEARCH = 1;
    static final int DENIED_NOT_REGULAR = 2;
    static final int DENIED_NOEXEC_MOUNT = 3;
    static final int DENIED_NOT_EXECUTABLE = 4;
    static final int WAIT_NOHANG = 0x1;
    static final int WAIT_NOWAIT = 0x2;
    static final int OPT_WORDS = 4;
    static final int OPT_SETSID = 0x1;
    static final int OPT_SETPGID = 0x2;
    static final int OPT_PDEATHSIG = 0x4;
    static final int FAIL_SETSID = -2;
    static final int FAIL_SETPGID = -3;
    static final int FAIL_PDEATHSIG = -4;
    static final int PIPE_NONBLOCK_READ = 0x1;
    static final int PIPE_NONBLOCK_WRITE = 0x2;
    /**
     * The one closer of every {@link dev.spawn.spi.SharedFd} here. A method reference written at
     * each site is a class of its own: pipes and pidfds made {@code SharedFd}'s call to it
     * bimorphic, and the first template closed (an LRU eviction, shutdown) brought a third class,
     * whose type-check trap throws away every compiled method that inlined the close.
     */
    static final IntConsumer CLOSE = LibSpawn::spawn_close;
    static final int EPOLL_IN = 0x1;
    static final int EPOLL_OUT = 0x4;
    static final int EXITED = 1;
    static final int SIGNALED = 2;

    private static final Throwable LOAD_FAILURE = load();

    private LibSpawn() {
    }

    /** {@code null} when the shim is loaded, else why it is not. */
    static Throwable loadFailure() {
        return LOAD_FAILURE;
    }

    static String version() throws IOException {
        Properties properties = new Properties();
        try (InputStream in = LibSpawn.class.getResourceAsStream("spawn-native.properties")) {
            if (in == null) {
                throw new IOException("spawn-native.properties is missing from the jar");
            }
            properties.load(in);
        }
        return properties.getProperty("version");
    }

    private static Throwable load() {
        try {
            String explicit = System.getProperty("spawn.library.path");
            NativeLibrary library;
            if (explicit != null && !explicit.isBlank()) {
                Path path = Paths.get(explicit);
                if (!Files.isRegularFile(path)) {
                    throw new UnsatisfiedLinkError("spawn.library.path=" + explicit + " is not a file");
                }
                library = NativeLibrary.getInstance(path.toAbsolutePath().toString());
            } else {
                // this module's own loader, not the thread's context loader, which in a plugin
                // host or a module layer of its own need not see this jar's resources
                library = NativeLibrary.getInstance("spawn-" + version(),
                        Map.of(Library.OPTION_CLASSLOADER, LibSpawn.class.getClassLoader()));
            }
            Native.register(LibSpawn.class, library);
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

    static native int spawn_actions_check(long[] actions, int nactions, byte[] strings, int stringsLen,
            int[] badIndex);

    static native int spawn_kernel_probe(long nrCreate, byte[] elfPath);

    static native int spawn_kernel_create(long nrCreate, byte[] path, int execfd);

    static native int spawn_kernel_spawn(long nrSpawn, int templateFd, int flags, byte[] argv, int argvLen, int argc,
            byte[] envp, int envpLen, int envc, long[] actions, int nactions, byte[] strings, int stringsLen,
            int[] out);

    static native int spawn_user_create(byte[] path, int execfd, long[] identity, int[] kind);

    static native int spawn_user_check(byte[] path, int heldFd, long[] identity);

    static native int spawn_user_probe(int[] refused);

    static native int spawn_user_spawn_opts(int heldFd, byte[] path, long[] identity, int flags, byte[] argv,
            int argvLen, int argc, byte[] envp, int envpLen, int envc, long[] actions, int nactions, byte[] strings,
            int stringsLen, int[] opts, int[] out);

    static native int spawn_kill_group(int pgid, int sig);

    static native int spawn_pipe2(int[] fds, int nonblock);

    static native int spawn_epoll_add_events(int epfd, int fd, int events, long token);

    static native int spawn_eventfd();

    static native int spawn_eventfd_signal(int fd);

    static native int spawn_eventfd_drain(int fd);

    static native int spawn_wait(int pidfd, int flags, int[] out);

    static native int spawn_signal(int pidfd, int sig);

    static native int spawn_pidfd_open(int pid);

    static native int spawn_open(byte[] path, int flags, int mode);

    static native int spawn_close(int fd);

    static native long spawn_read(int fd, Pointer buf, long len);

    static native long spawn_write(int fd, Pointer buf, long len);

    static native int spawn_epoll_create();

    static native int spawn_epoll_add(int epfd, int fd, long token);

    static native int spawn_epoll_del(int epfd, int fd);

    static native int spawn_epoll_wait(int epfd, long[] tokens, int max, int timeoutMs);

    static native int spawn_available(int fd);

    static native int spawn_poll_in(int fd, int timeoutMs);

    static native int spawn_poll_out(int fd, int timeoutMs);
}
