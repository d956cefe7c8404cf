package dev.linx.user;

import dev.linx.user.internal.maps.MapRules;
import dev.linx.user.internal.sys.Credentials;
import java.util.List;

/**
 * Everything {@link UserNamespaceOperations#setupMaps} writes at the checkpoint: both maps and the setgroups policy.
 *
 * <p>The canonical constructor refuses a missing map ({@code MISSING_UID_MAP}, {@code MISSING_GID_MAP}) and a null
 * entry, copies the lists, and reads a null policy as {@link SetgroupsPolicy#DENY}. The rules that involve a whole map
 * (empty, overlapping, too many entries, too long) are checked by {@link #validate()}, which {@code setupMaps} and
 * {@link UserNamespaceLauncher} call before anything is written.
 *
 * <pre>{@code
 * MapSetup rootless = MapSetup.rootless();                 // 0 -> my euid, 0 -> my egid, deny setgroups
 * MapSetup ranges = new MapSetup(
 *         List.of(IdMapping.of(0, 100_000, 65_536)),
 *         List.of(IdMapping.of(0, 100_000, 65_536)),
 *         SetgroupsPolicy.SKIP).validate();
 * }</pre>
 *
 * @param uid the uid map
 * @param gid the gid map
 * @param setgroups whether {@code setgroups} is denied first
 */
public record MapSetup(List<IdMapping> uid, List<IdMapping> gid, SetgroupsPolicy setgroups) {

    /**
     * Checks presence and copies.
     *
     * @throws InvalidMappingException {@code MISSING_UID_MAP} or {@code MISSING_GID_MAP} for a null list,
     *         {@code BAD_ENTRY} for a null entry
     */
    public MapSetup {
        if (uid == null) {
            throw new InvalidMappingException(InvalidMappingException.Reason.MISSING_UID_MAP,
                    "bad setup: the uid map is missing");
        }
        if (gid == null) {
            throw new InvalidMappingException(InvalidMappingException.Reason.MISSING_GID_MAP,
                    "bad setup: the gid map is missing");
        }
        uid = MapRules.copyOf(uid, "uid");
        gid = MapRules.copyOf(gid, "gid");
        setgroups = setgroups == null ? SetgroupsPolicy.DENY : setgroups;
    }

    /**
     * Both maps, denying setgroups first.
     *
     * @param uid the uid map
     * @param gid the gid map
     * @return the setup, with {@link SetgroupsPolicy#DENY}
     */
    public static MapSetup of(List<IdMapping> uid, List<IdMapping> gid) {
        return new MapSetup(uid, gid, SetgroupsPolicy.DENY);
    }

    /**
     * The canonical rootless mapping: uid 0 and gid 0 inside are the given host ids, one id each, setgroups denied.
     * This is the only mapping an unprivileged process may write for itself.
     *
     * @param hostUid the host uid that uid 0 inside is
     * @param hostGid the host gid that gid 0 inside is
     * @return the single-id setup
     */
    public static MapSetup rootless(long hostUid, long hostGid) {
        return of(List.of(IdMapping.of(0, hostUid, 1)), List.of(IdMapping.of(0, hostGid, 1)));
    }

    /**
     * {@link #rootless(long, long)} for this process's own effective uid and gid.
     *
     * @return the single-id setup for this process
     */
    public static MapSetup rootless() {
        Credentials self = Credentials.current();
        return rootless(self.euid(), self.egid());
    }

    /**
     * Checks both maps against the kernel's rules for a whole map: not empty, no overlapping inside or outside
     * ranges, at most 340 entries, and short enough for one write.
     *
     * @return this setup
     * @throws InvalidMappingException for the first rule broken
     */
    public MapSetup validate() {
        MapRules.checkAndRender(uid, "uid");
        MapRules.checkAndRender(gid, "gid");
        return this;
    }
}
