package dev.spawn;

import dev.spawn.spi.Errno;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

/**
 * A program could not be started. The message begins as the JDK's does,
 * {@code Cannot run program "x" (in directory "d"): }, so code that parses ProcessBuilder's
 * messages keeps working, then names the step, the errno and, for a failed action, the action.
 *
 * <p>For ENOENT the {@linkplain #getCause() cause} is a {@link NoSuchFileException} and for EACCES
 * an {@link AccessDeniedException}, each naming the path concerned.
 */
public class SpawnException extends IOException {
    private static final long serialVersionUID = 1L;

    /** Where the failure happened. */
    public enum Stage {
        /** Creating the template (open, permission and format checks). */
        CREATE,
        /** In the caller, before a child existed. */
        BEFORE_CHILD,
        /** In the child, running an action: the request's own at {@link #actionIndex()}, or one the library added. */
        ACTION,
        /** In the child, at exec. */
        EXEC
    }

    private final Stage stage;
    private final int errno;
    private final String program;
    private final int actionIndex;
    private final transient SpawnAction action;
    private final String step;
    private final String subject;
    private final int redirectTarget;

    /**
     * @param stage where it failed
     * @param errno the Linux errno
     * @param program the program's path as the caller named it
     * @param directory the child's working directory, or {@code null}
     * @param step the system call or step that failed, such as {@code execveat}
     * @param actionIndex index of the failed action in the request's actions, or -1
     * @param action the failed action, or {@code null}
     * @param subject the path the errno is about (the program, a redirect file, the directory)
     */
    public SpawnException(Stage stage, int errno, String program, String directory, String step, int actionIndex,
            SpawnAction action, String subject) {
        this(stage, errno, program, directory, step, actionIndex, action, subject, -1);
    }

    /**
     * A failure that may be a redirect file's.
     *
     * @param stage where it failed
     * @param errno the Linux errno
     * @param program the program's path as the caller named it
     * @param directory the child's working directory, or {@code null}
     * @param step the system call or step that failed, such as {@code execveat}
     * @param actionIndex index of the failed action in the request's actions, or -1
     * @param action the failed action, or {@code null}
     * @param subject the path the errno is about (the program, a redirect file, the directory)
     * @param redirectTarget the standard stream (0, 1 or 2) whose redirect file {@code subject}
     *     could not be opened, or -1 when the failure is not a redirect's
     */
    public SpawnException(Stage stage, int errno, String program, String directory, String step, int actionIndex,
            SpawnAction action, String subject, int redirectTarget) {
        super(message(errno, program, directory, step, actionIndex, action), cause(errno, subject));
        if (redirectTarget < -1 || redirectTarget > 2) {
            throw new IllegalArgumentException("redirect target " + redirectTarget + " is not 0, 1, 2 or -1");
        }
        this.stage = stage;
        this.errno = errno;
        this.program = program;
        this.actionIndex = actionIndex;
        this.action = action;
        this.step = step;
        this.subject = subject;
        this.redirectTarget = redirectTarget;
    }

    private static String message(int errno, String program, String directory, String step, int actionIndex,
            SpawnAction action) {
        StringBuilder message = new StringBuilder("Cannot run program \"").append(program).append('"');
        if (directory != null) {
            message.append(" (in directory \"").append(directory).append("\")");
        }
        message.append(": ");
        if (action != null && actionIndex >= 0) {
            message.append("action #").append(actionIndex).append(' ').append(action).append(" failed: ");
        } else if (step != null) {
            message.append(step).append(": ");
        }
        return message.append(Errno.describe(errno)).toString();
    }

    private static IOException cause(int errno, String subject) {
        if (subject == null) {
            return null;
        }
        if (errno == Errno.ENOENT) {
            return new NoSuchFileException(subject);
        }
        if (errno == Errno.EACCES) {
            return new AccessDeniedException(subject);
        }
        return null;
    }

    /** Where it failed. */
    public Stage stage() {
        return stage;
    }

    /** The Linux errno. */
    public int errno() {
        return errno;
    }

    /** The errno's symbolic name, such as {@code ENOENT}. */
    public String errnoName() {
        return Errno.name(errno);
    }

    /** The program's path. */
    public String program() {
        return program;
    }

    /**
     * The failed action's index in the request's {@link SpawnRequest#actions() actions()}, or -1
     * when none of them failed: an action the library added (for stdio, the working directory,
     * the signal mask or closing fds) is named by {@link #step()} and {@link #action()} instead.
     */
    public int actionIndex() {
        return actionIndex;
    }

    /** The failed action, the request's or one the library added, or {@code null} when no action failed. */
    public SpawnAction action() {
        return action;
    }

    /** The system call or step that failed, as the message names it, or {@code null}. */
    public String step() {
        return step;
    }

    /** The path the errno is about (the program, a redirect file, the directory), or {@code null}. */
    public String subject() {
        return subject;
    }

    /**
     * The standard stream (0 for stdin, 1 for stdout, 2 for stderr) whose redirect file could not
     * be opened, or -1 when the failure is not a redirect's. When it is one, {@link #subject()}
     * is that file's path.
     */
    public int redirectTarget() {
        return redirectTarget;
    }

    /** Whether a child existed when the failure happened (it has been reaped). */
    public boolean inChild() {
        return stage == Stage.ACTION || stage == Stage.EXEC;
    }
}
