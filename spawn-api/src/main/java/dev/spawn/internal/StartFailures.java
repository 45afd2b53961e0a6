package dev.spawn.internal;

import dev.spawn.spi.Errno;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;

/**
 * The exceptions {@code SpawnProcessBuilder.start()} throws, shaped as ProcessBuilder's: an
 * {@link IOException} whose message is {@code Cannot run program "x" (in directory "d"): detail}
 * and whose cause carries the detail alone. The detail of a failed exec or working directory
 * is the running JDK's ({@code error=2, No such file or directory} up to JDK 24,
 * {@code Exec failed, error: 2 (No such file or directory) } from JDK 25); that of a redirect
 * file that cannot be opened is the {@link java.io.FileNotFoundException} the JDK's own open
 * throws, because the file is opened the same way here.
 */
public final class StartFailures {
    private static final boolean NEW_FORMAT = Runtime.version().feature() >= 25;

    private StartFailures() {
    }

    /** The detail the JDK gives for a child that could not chdir or exec. */
    public static String execDetail(int errno) {
        String description = Errno.description(errno);
        return NEW_FORMAT ? "Exec failed, error: " + errno + " (" + description + ") "
                : "error=" + errno + ", " + description;
    }

    /** {@code Cannot run program "prog" (in directory "dir"): cause's message}, caused by {@code cause}. */
    public static IOException cannotRun(String program, String directory, Exception cause) {
        return new IOException("Cannot run program \"" + program + "\""
                + (directory == null ? "" : " (in directory \"" + directory + "\")") + ": " + cause.getMessage(),
                cause);
    }

    /**
     * A failed chdir or exec with {@code errno}; {@code library}, the library's own exception
     * if any, is attached as suppressed.
     */
    public static IOException exec(String program, String directory, int errno, Throwable library) {
        IOException failure = cannotRun(program, directory, new IOException(execDetail(errno)));
        if (library != null) {
            failure.addSuppressed(library);
        }
        return failure;
    }

    /**
     * Opens and closes the redirect files as the JDK's {@code ProcessImpl.start} does, in its
     * order (stdin, stdout, stderr — stderr's file even when the error stream is merged), so a
     * file that cannot be opened fails with the JDK's exception and an output file is created or
     * truncated just as the JDK would have done before its child failed.
     */
    public static void openRedirects(Redirect in, Redirect out, Redirect err) throws IOException {
        if (in.type() == Redirect.Type.READ) {
            new FileInputStream(in.file()).close();
        }
        openOutput(out);
        openOutput(err);
    }

    private static void openOutput(Redirect redirect) throws IOException {
        if (redirect.type() == Redirect.Type.WRITE || redirect.type() == Redirect.Type.APPEND) {
            new FileOutputStream(redirect.file(), redirect.type() == Redirect.Type.APPEND).close();
        }
    }
}
