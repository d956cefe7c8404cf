package dev.linx.user;

import java.io.IOException;

/**
 * Why a child could not be parked: this JVM's own effective uid or gid has no mapping in the user namespace it runs
 * in, and the kernel creates no user namespace for such a process ({@code EPERM}, which the helper cannot pass on).
 * It happens in a container started as a host uid outside its namespace's map, or under {@code unshare --user} with no
 * map written: the JVM sees itself as the overflow id 65534.
 *
 * <p>It is the {@linkplain java.io.UncheckedIOException#getCause() cause} of the {@link java.io.UncheckedIOException}
 * that {@link ParkedProcess#start} and {@link UserNamespaceLauncher#start} throw; nothing is left behind. The library
 * names this cause only from what the kernel answers after the helper failed (the JVM's ids read as the overflow id,
 * and the kernel refuses them as its own), never from the helper's message text. {@link HostReadiness} reports the
 * same condition beforehand, as a failed {@code identity} check.
 *
 * <pre>{@code
 * try {
 *     launcher.start(List.of("id"));
 * } catch (UncheckedIOException e) {
 *     if (e.getCause() instanceof UnmappedIdentityException unmapped) {
 *         log.error("run the JVM as a uid and gid its user namespace maps: {}", unmapped.getMessage());
 *     }
 * }
 * }</pre>
 */
public final class UnmappedIdentityException extends IOException {

    private static final long serialVersionUID = 1L;

    /** Whether the effective uid has no mapping. */
    private final boolean uidUnmapped;
    /** Whether the effective gid has no mapping. */
    private final boolean gidUnmapped;

    /**
     * Creates the exception.
     *
     * @param message what failed and why, for humans
     * @param uidUnmapped whether the effective uid has no mapping
     * @param gidUnmapped whether the effective gid has no mapping
     * @throws IllegalArgumentException when neither is unmapped
     */
    public UnmappedIdentityException(String message, boolean uidUnmapped, boolean gidUnmapped) {
        super(message);
        if (!uidUnmapped && !gidUnmapped) {
            throw new IllegalArgumentException("the uid or the gid must be unmapped");
        }
        this.uidUnmapped = uidUnmapped;
        this.gidUnmapped = gidUnmapped;
    }

    /**
     * Whether this JVM's effective uid has no mapping in its user namespace.
     *
     * @return true when the uid is unmapped
     */
    public boolean uidUnmapped() {
        return uidUnmapped;
    }

    /**
     * Whether this JVM's effective gid has no mapping in its user namespace.
     *
     * @return true when the gid is unmapped
     */
    public boolean gidUnmapped() {
        return gidUnmapped;
    }
}
