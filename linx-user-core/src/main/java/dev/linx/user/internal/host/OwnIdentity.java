package dev.linx.user.internal.host;

import dev.linx.user.HostReadiness.Check;
import dev.linx.user.HostReadiness.Finding;
import dev.linx.user.HostReadiness.Status;
import dev.linx.user.internal.sys.Credentials;
import dev.linx.user.internal.sys.IdMappingProbe;
import dev.linx.user.internal.sys.IdMappingProbe.Answer;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Whether the calling thread's effective uid and gid have a mapping in its own user namespace. The kernel creates no
 * user namespace for a process whose ids have none ({@code create_user_ns}: {@code EPERM}): a container started as a
 * host uid outside its namespace's map, or a JVM started by {@code unshare --user} with no map written, sees its ids
 * as the overflow id (65534) and cannot start a single child in a new user namespace.
 *
 * <p>Decided from what reads settle, and only then by asking the kernel ({@link IdMappingProbe}): an id other than
 * the overflow id is mapped; the overflow id, when the namespace's map has no such id inside, is not; otherwise (a
 * pod's {@code 0 <base> 65536} map holds 65534 inside, for a user that really runs as it) only the kernel can tell.
 *
 * @param euid the effective uid as this thread reads it
 * @param egid the effective gid as this thread reads it
 * @param overflowUid the kernel's overflow uid, which an unmapped uid reads as
 * @param overflowGid the kernel's overflow gid
 * @param uid whether the uid is mapped
 * @param gid whether the gid is mapped
 * @param uidMap the namespace's uid map, compact ({@code [0 100000 65536]}), or {@code unreadable}
 * @param gidMap the namespace's gid map, compact
 */
public record OwnIdentity(long euid, long egid, long overflowUid, long overflowGid, Answer uid, Answer gid,
        String uidMap, String gidMap) {

    /** The overflow id of every kernel unless changed through {@code /proc/sys/kernel/overflowuid}. */
    static final long DEFAULT_OVERFLOW_ID = 65534;

    /** This thread's answer, on this host. */
    public static OwnIdentity current() {
        return of(Path.of("/"), Credentials.current());
    }

    /** With the overflow ids and the maps read under {@code root}; the kernel is asked about this thread's own ids. */
    static OwnIdentity of(Path root, Credentials self) {
        long overflowUid = overflow(root.resolve("proc/sys/kernel/overflowuid"));
        long overflowGid = overflow(root.resolve("proc/sys/kernel/overflowgid"));
        Optional<String> uidMap = ProcText.read(root.resolve("proc/self/uid_map"));
        Optional<String> gidMap = ProcText.read(root.resolve("proc/self/gid_map"));
        Answer uid = fromReads(self.euid(), overflowUid, uidMap);
        Answer gid = fromReads(self.egid(), overflowGid, gidMap);
        if (uid == null || gid == null) {
            IdMappingProbe.Answers asked = ask(self);
            uid = uid == null ? asked.uid() : uid;
            gid = gid == null ? asked.gid() : gid;
        }
        return new OwnIdentity(self.euid(), self.egid(), overflowUid, overflowGid, uid, gid,
                uidMap.map(ReadinessChecks::compact).orElse("unreadable"),
                gidMap.map(ReadinessChecks::compact).orElse("unreadable"));
    }

    /** The readiness finding: FAIL when an id is unmapped, WARN when the kernel could not be asked. */
    Finding finding() {
        if (unmapped()) {
            return new Finding(Check.IDENTITY, Status.FAIL, explanation(), fix());
        }
        String ids = "effective uid " + euid + " and gid " + egid;
        if (unknown()) {
            return new Finding(Check.IDENTITY, Status.WARN, ids + " read as the overflow id, and whether they are"
                    + " this process's own could not be asked (uid_map " + uidMap + "): if they are not, no user"
                    + " namespace can be created (EPERM)", fix());
        }
        return new Finding(Check.IDENTITY, Status.OK, ids + " are mapped in this user namespace", "");
    }

    /** Whether the uid or the gid is certainly unmapped: no user namespace can be created. */
    public boolean unmapped() {
        return uid == Answer.UNMAPPED || gid == Answer.UNMAPPED;
    }

    /** Whether either id could not be told apart from the overflow id. */
    boolean unknown() {
        return uid == Answer.UNKNOWN || gid == Answer.UNKNOWN;
    }

    /**
     * What is unmapped, e.g. {@code the effective uid 65534 and gid 65534 of this process have no mapping in its user
     * namespace (they read as the overflow ids; uid_map [], gid_map [])}; meaningful when {@link #unmapped()}.
     */
    public String explanation() {
        String which = uid == Answer.UNMAPPED && gid == Answer.UNMAPPED ? "uid " + euid + " and gid " + egid
                : uid == Answer.UNMAPPED ? "uid " + euid : "gid " + egid;
        boolean both = uid == Answer.UNMAPPED && gid == Answer.UNMAPPED;
        return "the effective " + which + " of this process " + (both ? "have" : "has") + " no mapping in its user"
                + " namespace (" + (both ? "they read" : "it reads") + " as the overflow id; uid_map " + uidMap
                + ", gid_map " + gidMap + "): the kernel creates no user namespace for such a process (EPERM)";
    }

    /** What to do about it. */
    public static String fix() {
        return "run the process as a uid and gid that its user namespace maps: in a container, a user inside the"
                + " namespace's map (Kubernetes securityContext.runAsUser/runAsGroup, docker run --user), or a map"
                + " that includes the ids the container runs as";
    }

    /** The kernel's answer; UNKNOWN when it cannot be asked (a readiness report never throws). */
    private static IdMappingProbe.Answers ask(Credentials self) {
        try {
            return IdMappingProbe.probe(self.euid(), self.egid());
        } catch (RuntimeException e) {
            return new IdMappingProbe.Answers(Answer.UNKNOWN, Answer.UNKNOWN);
        }
    }

    /** The answer the reads give, or {@code null} when only the kernel can tell. */
    private static Answer fromReads(long id, long overflow, Optional<String> map) {
        if (id != overflow) {
            return Answer.MAPPED;
        }
        if (map.isPresent() && !insideRangesContain(map.get(), overflow)) {
            return Answer.UNMAPPED;
        }
        return null;
    }

    private static boolean insideRangesContain(String map, long id) {
        for (String line : map.split("\n")) {
            String[] fields = line.strip().split("\\s+");
            if (fields.length != 3) {
                continue;
            }
            try {
                long inside = Long.parseLong(fields[0]);
                long length = Long.parseLong(fields[2]);
                if (id >= inside && id - inside < length) {
                    return true;
                }
            } catch (NumberFormatException e) {
                // Not a map line: it maps nothing.
            }
        }
        return false;
    }

    private static long overflow(Path file) {
        try {
            return ProcText.read(file).map(Long::parseLong).orElse(DEFAULT_OVERFLOW_ID);
        } catch (NumberFormatException e) {
            return DEFAULT_OVERFLOW_ID;
        }
    }
}
