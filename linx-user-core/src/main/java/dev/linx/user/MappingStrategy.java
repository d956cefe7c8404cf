package dev.linx.user;

import java.util.Locale;

/**
 * How the map writes reach the kernel: written by this process to {@code /proc/<pid>/uid_map} and {@code gid_map}, or
 * through the setuid helpers {@code newuidmap(1)} and {@code newgidmap(1)} (Debian package {@code uidmap}), which may
 * map the subordinate ids {@code /etc/subuid} and {@code /etc/subgid} delegate to the caller.
 *
 * <pre>{@code
 * UserNamespaceOperations ops = UserNamespaces.operations(MappingStrategy.parse("helper"));
 * ops.setupMaps(child.hostPid(), SubordinateIds.current().rootlessSetup());
 * }</pre>
 *
 * <p>Reads and {@code setgroups} are always direct; only {@code uid_map} and {@code gid_map} writes differ.
 */
public enum MappingStrategy {
    /**
     * Direct when it can work, the helper when only the helper can: a map is written through the helper when the
     * calling thread lacks {@code CAP_SETUID} (for uid maps; {@code CAP_SETGID} for gid maps), the map is more than
     * its own effective id with length 1, and the helper is installed. Root and single-id callers therefore write
     * directly, as before strategies existed. Decided at every call: the map is written directly first, and goes to
     * the helper only after the kernel refuses that write with {@code EPERM} for want of privilege. The default.
     */
    AUTO,
    /** Always this process's own {@code write(2)}; the kernel's rules for the writer apply as they are. */
    DIRECT,
    /** Always {@code newuidmap} / {@code newgidmap}; their rules (the caller's subordinate ranges) apply. */
    HELPER;

    /**
     * Reads a strategy from text such as {@code "auto"}, ignoring case and surrounding blanks.
     *
     * @param text the name of a strategy, in any case
     * @return the strategy
     * @throws InvalidMappingException with reason {@link InvalidMappingException.Reason#BAD_STRATEGY} for any other
     *         text
     */
    public static MappingStrategy parse(String text) {
        String value = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        return switch (value) {
            case "auto" -> AUTO;
            case "direct" -> DIRECT;
            case "helper" -> HELPER;
            default -> throw new InvalidMappingException(InvalidMappingException.Reason.BAD_STRATEGY,
                    "mapping strategy must be 'auto', 'direct' or 'helper', got "
                            + (text == null ? "null" : "'" + text + "'"));
        };
    }
}
