package dev.linx.user;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Why a child could not be parked: the user-namespace limit {@code user.max_user_namespaces} of the JVM's own user
 * namespace is 0, so the kernel refuses every new user namespace (with {@code ENOSPC}, which the helper cannot pass
 * on).
 *
 * <p>It is the {@linkplain java.io.UncheckedIOException#getCause() cause} of the {@link java.io.UncheckedIOException}
 * that {@link ParkedProcess#start} and {@link UserNamespaceLauncher#start} throw; nothing is left behind. The library
 * names this cause only from the limit's value, read from {@link #path()} after the helper failed, never from the
 * helper's message text. A limit that is above 0 but used up cannot be told apart that way: it stays a plain helper
 * failure whose message carries the helper's exit status and its own words.
 *
 * <pre>{@code
 * try {
 *     launcher.start(List.of("id"));
 * } catch (UncheckedIOException e) {
 *     if (e.getCause() instanceof UserNamespaceLimitException limit) {
 *         log.error("user namespaces are switched off here: {} is {}", limit.path(), limit.limit());
 *     }
 * }
 * }</pre>
 */
public final class UserNamespaceLimitException extends IOException {

    private static final long serialVersionUID = 1L;

    /** Where the kernel shows the limit of the current user namespace. */
    public static final Path SYSCTL = Path.of("/proc/sys/user/max_user_namespaces");

    /** The value read from {@link #SYSCTL}. */
    private final long limit;

    /**
     * Creates the exception.
     *
     * @param limit the value read from {@link #SYSCTL}
     * @param message what failed, for humans
     */
    public UserNamespaceLimitException(long limit, String message) {
        super(message);
        this.limit = limit;
    }

    /**
     * The limit read from {@link #path()}: how many user namespaces this JVM's user namespace allows (0).
     *
     * @return the limit
     */
    public long limit() {
        return limit;
    }

    /**
     * The sysctl file the limit was read from, {@code /proc/sys/user/max_user_namespaces}.
     *
     * @return {@link #SYSCTL}
     */
    public Path path() {
        return SYSCTL;
    }
}
