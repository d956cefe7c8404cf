package dev.linx.user.internal.procfs;

import dev.linx.user.Errno;
import dev.linx.user.IdMapping;
import dev.linx.user.Operation;
import dev.linx.user.internal.sys.Credentials;
import java.util.List;
import java.util.Locale;

/**
 * Names the kernel rule a rejection most likely broke, from the errno, the target's current state and the caller's
 * own credentials. Consulted only on the failure path, so its extra reads cost nothing when calls succeed.
 */
final class RejectionHints {

    private RejectionHints() {
    }

    /**
     * The hint for one rejection, or {@code null} when none is known.
     *
     * @param dir the target's directory, still open, or {@code null} when it could not be opened
     * @param attempted the map that was being written, or {@code null}
     */
    static String hint(Operation operation, int errno, ProcDir dir, List<IdMapping> attempted) {
        return switch (Errno.fromCode(errno)) {
            case ENOENT, ESRCH -> "the process does not exist (any more): it exited, never existed, or its pid now"
                    + " belongs to another process";
            case EACCES -> "this process may not open the file: the target must run as this process's user, or this"
                    + " process needs privilege over the target's user namespace";
            case EINVAL -> operation == Operation.DENY_SETGROUPS ? null
                    : "the kernel refused the map's text: ranges overlap, an id is out of range, or the map has too"
                            + " many lines or bytes for one write";
            case EPERM -> permissionHint(operation, dir, attempted);
            default -> null;
        };
    }

    private static String permissionHint(Operation operation, ProcDir dir, List<IdMapping> attempted) {
        return switch (operation) {
            case SET_UID_MAP -> mapHint("uid", dir, attempted, Credentials.CAP_SETUID);
            case SET_GID_MAP -> mapHint("gid", dir, attempted, Credentials.CAP_SETGID);
            case DENY_SETGROUPS -> written(dir, "gid_map")
                    ? "setgroups can only be denied before gid_map is written: deny first, then write the maps"
                    : "the writer needs privilege over the target's user namespace (it must own the namespace or hold"
                            + " CAP_SYS_ADMIN over it); the initial namespace's setgroups cannot be changed";
            default -> null;
        };
    }

    private static String mapHint(String kind, ProcDir dir, List<IdMapping> attempted, int capability) {
        if (written(dir, kind + "_map")) {
            return kind + "_map is write-once and this namespace's map is already written: plan the whole map in one"
                    + " call";
        }
        Credentials credentials = Credentials.current();
        long ownId = kind.equals("uid") ? credentials.euid() : credentials.egid();
        if (!credentials.has(capability)) {
            if (kind.equals("gid") && "allow".equals(strip(dir == null ? null : dir.readQuietly("setgroups")))) {
                return "an unprivileged writer must deny setgroups before writing gid_map (SetgroupsPolicy.DENY)";
            }
            boolean ownIdOnly = attempted != null && attempted.size() == 1 && attempted.getFirst().length() == 1
                    && attempted.getFirst().outside() == ownId;
            if (!ownIdOnly) {
                return "an unprivileged writer may map only its own effective " + kind + " (" + ownId + "), as one"
                        + " entry of length 1: ranges and other ids need CAP_SET" + kind.toUpperCase(Locale.ROOT)
                        + " over the parent namespace, or new" + kind + "map(1)";
            }
            return "an unprivileged writer must have the effective uid of the namespace's creator";
        }
        boolean mapsHostRoot = attempted != null && attempted.stream().anyMatch(m -> m.outside() == 0);
        if (kind.equals("uid") && mapsHostRoot && !credentials.has(Credentials.CAP_SETFCAP)) {
            return "mapping host uid 0 needs CAP_SETFCAP over the parent namespace";
        }
        return "an outside id is not mapped in this process's own user namespace, or the target's namespace is not a"
                + " child of this process's (the initial namespace's maps cannot be written)";
    }

    private static boolean written(ProcDir dir, String file) {
        String text = dir == null ? null : dir.readQuietly(file);
        return text != null && !text.isBlank();
    }

    private static String strip(String text) {
        return text == null ? null : text.strip();
    }
}
