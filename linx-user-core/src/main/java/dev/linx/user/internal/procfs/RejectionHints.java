package dev.linx.user.internal.procfs;

import dev.linx.user.Errno;
import dev.linx.user.IdMapping;
import dev.linx.user.Operation;
import dev.linx.user.IdRange;
import dev.linx.user.SubordinateIds;
import dev.linx.user.UserNamespaceException.HelperFailure;
import dev.linx.user.internal.host.HelperPrograms;
import dev.linx.user.internal.host.ProcText;
import dev.linx.user.internal.sys.Credentials;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Names the kernel rule a rejection most likely broke, from the errno, the target's current state and the caller's
 * own credentials. Every hint starts with the rule, then says what to do; docs/errors.md lists them all. Consulted only
 * on the failure path, so its extra reads cost nothing when calls succeed.
 */
final class RejectionHints {

    /** The sysctl directory, where the AppArmor knob lives. */
    static final Path PROC_SYS = Path.of("/proc/sys");

    private RejectionHints() {
    }

    /**
     * The hint for one rejection, or {@code null} when none is known.
     *
     * @param dir the target's directory, still open, or {@code null} when it could not be opened
     * @param attempted the map that was being written, or {@code null}
     */
    static String hint(Operation operation, int errno, ProcDir dir, List<IdMapping> attempted) {
        return bestEffort(() -> hint(operation, errno, dir, attempted, PROC_SYS, Credentials::current));
    }

    /**
     * {@link #hint(Operation, int, ProcDir, List)} with the sysctl directory and the caller's credentials given.
     *
     * @param self asked only by the hints that depend on the caller: reading them opens /proc/self/status, which
     *        fails like any open when the rejection itself is EMFILE or ENFILE
     */
    static String hint(Operation operation, int errno, ProcDir dir, List<IdMapping> attempted, Path procSys,
            Supplier<Credentials> self) {
        return switch (Errno.fromCode(errno)) {
            case ENOENT, ESRCH -> "the target process must exist: it exited, never existed, or its pid now belongs"
                    + " to another process; start a new child and write its maps before proceed()";
            case EACCES -> "only the target's own user, or a process privileged over it, may open its map files:"
                    + " run as the target's user, or target a child this process started";
            case EINVAL -> operation == Operation.DENY_SETGROUPS ? null
                    : "the kernel refuses a map whose ranges overlap, whose ids are out of range, or with too many"
                            + " lines or bytes for one write: fix the map";
            case EPERM -> {
                if (reads(operation)) {
                    // Reads need no privilege over the namespace; only procfs's hidepid option refuses them.
                    yield "/proc hides other users' processes (mounted with hidepid=1 or hidepid=noaccess): only the"
                            + " target's own user, or a process with CAP_SYS_PTRACE, may read its files; run as the"
                            + " target's user, or mount /proc with a gid= group this process is in";
                }
                // A state the target shows for certain comes first; the AppArmor knob only makes a rule likely.
                String certain = stateHint(operation, dir);
                if (certain != null) {
                    yield certain;
                }
                Credentials caller = self.get();
                String appArmor = appArmorHint(operation, procSys, caller);
                yield appArmor != null ? appArmor : permissionHint(operation, dir, attempted, caller);
            }
            default -> null;
        };
    }

    /** The hint for a map write {@code newuidmap}/{@code newgidmap} refused. */
    static String helperHint(Operation operation, ProcDir dir, List<IdMapping> attempted, HelperFailure failure) {
        return bestEffort(() -> {
            String kind = kind(operation);
            if (written(dir, kind + "_map")) {
                return writeOnce(kind);
            }
            Credentials self = Credentials.current();
            String beyond = beyondRanges(operation, attempted, self);
            if (beyond != null) {
                return beyond;
            }
            String appArmor = appArmorHint(operation, PROC_SYS, self);
            if (appArmor != null) {
                return appArmor;
            }
            return "new" + kind + "map writes only into a namespace owned by the caller's user, for a live process:"
                    + " its message above names the rule it applied";
        });
    }

    /**
     * The hint for an attempted entry outside the caller's own id and delegated ranges; {@code null} when every entry
     * is inside them, or when the ranges cannot be read: the helper is setuid root and reads a {@code /etc/subuid}
     * (mode 0600, say) that the caller cannot, so its refusal is then explained by its own message.
     */
    private static String beyondRanges(Operation operation, List<IdMapping> attempted, Credentials self) {
        String kind = kind(operation);
        SubordinateIds mine;
        try {
            mine = SubordinateIds.of(self.euid());
        } catch (UncheckedIOException e) {
            return null;
        }
        long own = operation == Operation.SET_UID_MAP ? mine.uid() : mine.gid();
        List<IdRange> ranges = operation == Operation.SET_UID_MAP ? mine.uids() : mine.gids();
        for (IdMapping m : attempted) {
            boolean ownId = m.length() == 1 && m.outside() == own;
            boolean delegated = ranges.stream().anyMatch(r -> r.contains(m.outside()) && r.contains(m.lastOutside()));
            if (!ownId && !delegated) {
                String who = mine.user() == null ? "uid " + mine.uid() : mine.user() + " (" + mine.uid() + ")";
                return "new" + kind + "map maps only the caller's own " + kind + " (" + own + ") and its ranges in"
                        + " /etc/sub" + kind + ": " + who + " has " + (ranges.isEmpty() ? "none" : ranges)
                        + ", the map asks for " + m.outside() + ".." + m.lastOutside() + "; add a range (usermod"
                        + " --add-sub" + kind + "s) or map less";
            }
        }
        return null;
    }

    /**
     * A hint is an aid to the rejection, never a reason to lose it: a hint that cannot be built (a file it reads is
     * unreadable, no descriptor is left to open one) is no hint.
     */
    private static String bestEffort(Supplier<String> hint) {
        try {
            return hint.get();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The hint a target's own state proves: a map already written, or setgroups after gid_map. */
    private static String stateHint(Operation operation, ProcDir dir) {
        return switch (operation) {
            case SET_UID_MAP, SET_GID_MAP -> written(dir, kind(operation) + "_map") ? writeOnce(kind(operation)) : null;
            case DENY_SETGROUPS -> written(dir, "gid_map")
                    ? "setgroups can be denied only before gid_map is written: deny first, then write the maps" : null;
            default -> null;
        };
    }

    private static String permissionHint(Operation operation, ProcDir dir, List<IdMapping> attempted,
            Credentials self) {
        return switch (operation) {
            case SET_UID_MAP -> mapHint("uid", dir, attempted, self, Credentials.CAP_SETUID);
            case SET_GID_MAP -> mapHint("gid", dir, attempted, self, Credentials.CAP_SETGID);
            case DENY_SETGROUPS -> written(dir, "gid_map")
                    ? "setgroups can be denied only before gid_map is written: deny first, then write the maps"
                    : "setgroups may be changed only by a writer privileged over the target's namespace (its owner,"
                            + " or CAP_SYS_ADMIN over it), never in the initial namespace: target a child this"
                            + " process started";
            default -> null;
        };
    }

    private static String mapHint(String kind, ProcDir dir, List<IdMapping> attempted, Credentials self,
            int capability) {
        if (written(dir, kind + "_map")) {
            return writeOnce(kind);
        }
        long ownId = kind.equals("uid") ? self.euid() : self.egid();
        if (!self.has(capability)) {
            if (kind.equals("gid") && "allow".equals(strip(dir == null ? null : dir.readQuietly("setgroups")))) {
                return "gid_map from an unprivileged process needs setgroups=deny first: use SetgroupsPolicy.DENY"
                        + " (the default), or deny setgroups before writing gid_map";
            }
            boolean ownIdOnly = attempted != null && attempted.size() == 1 && attempted.getFirst().length() == 1
                    && attempted.getFirst().outside() == ownId;
            if (!ownIdOnly) {
                String how = HelperPrograms.find("new" + kind + "map").isPresent()
                        ? "MappingStrategy.AUTO or HELPER, with /etc/sub" + kind + " ranges"
                        : "install the uidmap package, then MappingStrategy.AUTO uses it with /etc/sub" + kind
                                + " ranges";
                return "unprivileged writers may map only their own effective " + kind + " (" + ownId + "), length"
                        + " 1: use new" + kind + "map for ranges (" + how + ") or a writer with CAP_SET"
                        + kind.toUpperCase(Locale.ROOT);
            }
            return "unprivileged writers may map only into a namespace their own effective uid created: start the"
                    + " child as this process's user";
        }
        boolean mapsHostRoot = attempted != null && attempted.stream().anyMatch(m -> m.outside() == 0);
        if (kind.equals("uid") && mapsHostRoot && !self.has(Credentials.CAP_SETFCAP)) {
            return "mapping host uid 0 needs CAP_SETFCAP over the parent namespace: map another host uid, or keep"
                    + " CAP_SETFCAP";
        }
        return "outside ids must be mapped in the writer's own namespace, and the target must be in a child of it"
                + " (the initial namespace's maps are fixed): map only ids this namespace has, into a child it"
                + " created";
    }

    private static boolean reads(Operation operation) {
        return operation == Operation.READ_UID_MAP || operation == Operation.READ_GID_MAP
                || operation == Operation.READ_SETGROUPS;
    }

    private static String appArmorHint(Operation operation, Path procSys, Credentials self) {
        if (reads(operation) || self.has(Credentials.CAP_SYS_ADMIN)) {
            return null;
        }
        String knob = ProcText.read(procSys.resolve("kernel/apparmor_restrict_unprivileged_userns")).orElse("");
        if (!knob.equals("1")) {
            return null;
        }
        return "AppArmor restricts unprivileged user namespaces (kernel.apparmor_restrict_unprivileged_userns = 1):"
                + " the namespace is created, but without capabilities in it, so map writes fail; give the program"
                + " an AppArmor profile with the 'userns,' rule, or set the sysctl to 0";
    }

    private static String writeOnce(String kind) {
        return "map already written: " + kind + "_map is write-once per namespace; plan the whole map in one call";
    }

    private static String kind(Operation operation) {
        return operation == Operation.SET_UID_MAP || operation == Operation.READ_UID_MAP ? "uid" : "gid";
    }

    private static boolean written(ProcDir dir, String file) {
        String text = dir == null ? null : dir.readQuietly(file);
        return text != null && !text.isBlank();
    }

    private static String strip(String text) {
        return text == null ? null : text.strip();
    }
}
