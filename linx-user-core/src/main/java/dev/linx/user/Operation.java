package dev.linx.user;

import java.util.Locale;

/**
 * The procfs step a {@link UserNamespaceException} reports as failed.
 *
 * <pre>{@code
 * catch (UserNamespaceException e) {
 *     if (e.operation() == Operation.SET_GID_MAP) { ... }
 *     e.operation().label();      // "set_gid_map", as in the exception message and metric tags
 *     e.operation().fileName();   // "gid_map"
 * }
 * }</pre>
 */
public enum Operation {
    /** Writing {@code /proc/<pid>/uid_map}. */
    SET_UID_MAP,
    /** Writing {@code /proc/<pid>/gid_map}. */
    SET_GID_MAP,
    /** Writing {@code deny} to {@code /proc/<pid>/setgroups}. */
    DENY_SETGROUPS,
    /** Reading {@code /proc/<pid>/uid_map}. */
    READ_UID_MAP,
    /** Reading {@code /proc/<pid>/gid_map}. */
    READ_GID_MAP,
    /** Reading {@code /proc/<pid>/setgroups}. */
    READ_SETGROUPS;

    private final String label = name().toLowerCase(Locale.ROOT);

    /**
     * The lower-case name used in messages and metric tags, e.g. {@code set_uid_map}.
     *
     * @return the label
     */
    public String label() {
        return label;
    }

    /**
     * The file under {@code /proc/<pid>/} the step works on: {@code uid_map}, {@code gid_map} or {@code setgroups}.
     *
     * @return the file name
     */
    public String fileName() {
        return switch (this) {
            case SET_UID_MAP, READ_UID_MAP -> "uid_map";
            case SET_GID_MAP, READ_GID_MAP -> "gid_map";
            case DENY_SETGROUPS, READ_SETGROUPS -> "setgroups";
        };
    }
}
