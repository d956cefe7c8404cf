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
 * known, is in {@link #hint()} (and in {@link #toString()}), never in the message. When the map was written through
 * {@code newuidmap}/{@code newgidmap} ({@link MappingStrategy}), {@link #helperFailure()} holds the helper's exit
 * status and its own message.
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

    /** The {@code /proc/<pid>/...} file, kept as text: {@link Path} is not serializable. */
    private final String path;
    /** The step that failed. */
    private final Operation operation;
    /** The raw {@code errno} value. */
    private final int code;
    /** The hint, or {@code null} when the library knows none. */
    private final String hint;
    /** How a helper failed, or {@code null} when no helper wrote the map. */
    private final HelperFailure helperFailure;

    /**
     * How a helper program failed to write a map. The helpers report no {@code errno}, only an exit status and a
     * message for humans; the exception then carries {@link Errno#EPERM}, the helper's refusal, unless the library's
     * own check found the process gone.
     *
     * <pre>{@code
     * e.helperFailure().ifPresent(h -> log.warn("{} exited with {}: {}", h.program(), h.exitStatus(), h.message()));
     * }</pre>
     *
     * @param program the helper's path, e.g. {@code /usr/bin/newuidmap}
     * @param exitStatus its exit status, not 0 (a helper the library had to kill is an {@code UncheckedIOException})
     * @param message what it wrote on stderr, lines joined with {@code "; "}, at most 4096 characters
     */
    public record HelperFailure(String program, int exitStatus, String message) implements java.io.Serializable {

        /** Requires the program and the message ({@code ""} when the helper said nothing). */
        public HelperFailure {
            Objects.requireNonNull(program, "program");
            Objects.requireNonNull(message, "message");
        }
    }

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
        this(operation, path, code, hint, null);
    }

    /**
     * Creates the exception for a map write a helper program refused.
     *
     * @param operation the step that failed
     * @param path the file the helper was to write
     * @param code the {@code errno} reported
     * @param hint the rule most likely broken, or {@code null} when none is known
     * @param helperFailure how the helper failed, or {@code null} when no helper was involved
     */
    public UserNamespaceException(Operation operation, Path path, int code, String hint, HelperFailure helperFailure) {
        super(message(operation, path, code));
        this.operation = operation;
        this.path = path.toString();
        this.code = code;
        this.hint = hint;
        this.helperFailure = helperFailure;
    }

    private static String message(Operation operation, Path path, int code) {
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(path, "path");
        Errno errno = Errno.fromCode(code);
        String name = errno == Errno.UNKNOWN ? "unknown" : errno.name().toLowerCase(Locale.ROOT);
        return "user " + operation.label() + " failed on " + path + ": " + name + " (errno " + code + ")";
    }

    /**
     * The {@code /proc/<pid>/...} file the failing call was made on.
     *
     * @return the file's path
     */
    public Path path() {
        return Path.of(path);
    }

    /**
     * The step that failed.
     *
     * @return the step
     */
    public Operation operation() {
        return operation;
    }

    /**
     * The kernel's error, or {@link Errno#UNKNOWN} for a code {@link Errno} does not name (see {@link #code()}).
     *
     * @return the error
     */
    public Errno errno() {
        return Errno.fromCode(code);
    }

    /**
     * The raw {@code errno} value.
     *
     * @return the {@code errno} value
     */
    public int code() {
        return code;
    }

    /**
     * The kernel rule most likely broken, in a sentence with what to do, where the library knows one.
     *
     * @return the hint, or empty
     */
    public Optional<String> hint() {
        return Optional.ofNullable(hint);
    }

    /**
     * How {@code newuidmap}/{@code newgidmap} failed, when the map was written through one of them.
     *
     * @return the helper's failure, or empty when the library wrote the map itself
     */
    public Optional<HelperFailure> helperFailure() {
        return Optional.ofNullable(helperFailure);
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(getClass().getName()).append(": ").append(getMessage());
        if (helperFailure != null) {
            text.append(" (").append(helperFailure.program()).append(" exited with status ")
                    .append(helperFailure.exitStatus());
            if (!helperFailure.message().isEmpty()) {
                text.append(": ").append(helperFailure.message());
            }
            text.append(')');
        }
        if (hint != null) {
            text.append(" (hint: ").append(hint).append(')');
        }
        return text.toString();
    }
}
