package dev.linx.user;

/**
 * What {@code /proc/<pid>/setgroups} says about a process's user namespace.
 *
 * <pre>{@code
 * if (ops.readSetgroups(pid) == SetgroupsState.DENY) {
 *     // setgroups(2) is refused inside; an unprivileged gid_map write is now allowed
 * }
 * }</pre>
 */
public enum SetgroupsState {
    /** {@code setgroups(2)} may be permitted inside (the default; the file reads {@code allow}). */
    ALLOW,
    /** {@code setgroups(2)} is refused inside, for good (the file reads {@code deny}). */
    DENY
}
