package dev.linx.user;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A kernel rejection: a system call on a {@code /proc/<pid>} file failed, with the {@code errno} captured at that call.
 *
 * <p>The message has a fixed shape, suitable for logs and for matching in tests:
 * {@code user set_uid_map failed on /proc/1/uid_map: eperm (errno 1)}. The kernel rule most likely broken, where one is
 * known, is in {@link #hint()} (and in {@link #toString()}), never in the message.
 *
 * <pre>{@code
 * try {
 *     ops.setUidMap(pid, List.of(IdMapping.of(0, 1000, 1)));
 * } catch (UserNamespaceException e) {
 *     switch (e.errno()) {
 *         case EPERM -> log.warn("refused: {}", e.hint().orElse(e.getMessage()));
 *         case ENOENT, ESRCH -> log.info("process {} is gone", pid);
 *         default -> throw e;
 *     }
 * }
 * }</pre>
 */
public final class UserNamespaceException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String path;
    private final Operation operation;
    private final int code;
    private final String hint;

    /**
     * Creates the exception without a hint.
     *
     * @param operation the step that failed
     * @param path the file the system call was made on
     * @param code the {@code errno} the call reported
     */
    public UserNamespaceException(Operation operation, Path path, int code) {
        this(operation, path, code, null);
    }

    /**
     * Creates the exception.
     *
     * @param operation the step that failed
     * @param path the file the system call was made on
     * @param code the {@code errno} the call reported
     * @param hint the kernel rule most likely broken, or {@code null} when none is known
     */
    public UserNamespaceException(Operation operation, Path path, int code, String hint) {
        super(message(operation, path, code));
        this.operation = operation;
        this.path = path.toString();
        this.code = code;
        this.hint = hint;
    }

    private static String message(Operation operation, Path path, int code) {
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(path, "path");
        Errno errno = Errno.fromCode(code);
        String name = errno == Errno.UNKNOWN ? "unknown" : errno.name().toLowerCase(Locale.ROOT);
        return "user " + operation.label() + " failed on " + path + ": " + name + " (errno " + code + ")";
    }

    /** The {@code /proc/<pid>/...} file the failing call was made on. */
    public Path path() {
        return Path.of(path);
    }

    /** The step that failed. */
    public Operation operation() {
        return operation;
    }

    /** The kernel's error, or {@link Errno#UNKNOWN} for a code {@link Errno} does not name (see {@link #code()}). */
    public Errno errno() {
        return Errno.fromCode(code);
    }

    /** The raw {@code errno} value. */
    public int code() {
        return code;
    }

    /** The kernel rule most likely broken, in a sentence with what to do, where the library knows one. */
    public Optional<String> hint() {
        return Optional.ofNullable(hint);
    }

    @Override
    public String toString() {
        String base = getClass().getName() + ": " + getMessage();
        return hint == null ? base : base + " (hint: " + hint + ")";
    }
}
