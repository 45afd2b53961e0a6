/**
 * The spawn API: executables as {@link dev.spawn.SpawnTemplate templates}, immutable
 * {@link dev.spawn.SpawnRequest requests} and {@link dev.spawn.SpawnAction actions}, the
 * {@link java.lang.Process} they start, tool calls, and the drop-in
 * {@link dev.spawn.SpawnProcessBuilder}, with the ProcessBuilder backend built in.
 *
 * <p>This module holds no native code and cannot: it does not read JNA. Native backends plug in
 * through {@link dev.spawn.spi.SpawnBackend} (module {@code dev.spawn.linux}); the
 * {@code dev.spawn.internal} package is not exported.
 *
 * @uses dev.spawn.spi.SpawnBackend
 */
module dev.spawn {
    requires org.slf4j;

    exports dev.spawn;
    exports dev.spawn.spi;

    uses dev.spawn.spi.SpawnBackend;
}
