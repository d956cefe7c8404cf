package dev.linx.user;

import java.util.Locale;

/**
 * Whether {@link UserNamespaceOperations#setupMaps} writes {@code deny} to {@code /proc/<pid>/setgroups} before the maps.
 *
 * <p>The kernel refuses an unprivileged {@code gid_map} write while the namespace still permits {@code setgroups(2)},
 * so {@link #DENY} is the default and the right choice for every rootless flow. {@link #SKIP} is for callers holding
 * {@code CAP_SETGID} over the parent namespace who want the workload to keep {@code setgroups(2)}.
 *
 * <pre>{@code
 * SetgroupsPolicy p = SetgroupsPolicy.parse(" Deny ");   // DENY
 * SetgroupsPolicy.parse("sometimes");                     // InvalidMappingException, reason BAD_SETGROUPS
 * }</pre>
 */
public enum SetgroupsPolicy {
    /** Write {@code deny} to {@code setgroups} first (default). */
    DENY,
    /** Leave {@code setgroups} alone (privileged callers only). */
    SKIP;

    /**
     * Reads a policy from text such as {@code "deny"} or {@code "skip"}, ignoring case and surrounding blanks.
     *
     * @param text {@code deny} or {@code skip}, in any case
     * @return the policy
     * @throws InvalidMappingException with reason {@link InvalidMappingException.Reason#BAD_SETGROUPS} for any other text
     */
    public static SetgroupsPolicy parse(String text) {
        String value = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        return switch (value) {
            case "deny" -> DENY;
            case "skip" -> SKIP;
            default -> throw new InvalidMappingException(InvalidMappingException.Reason.BAD_SETGROUPS,
                    "setgroups policy must be 'deny' or 'skip', got " + (text == null ? "null" : "'" + text + "'"));
        };
    }
}
