package dev.linx.user;

import dev.linx.user.internal.host.ReadinessChecks;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Whether rootless user namespaces will work for this process on this host, and if not, why and what to do, before
 * anything fails. Each {@link Finding} names one {@link Check}, its {@link Status}, the evidence read from the host, and
 * the fix.
 *
 * <pre>{@code
 * HostReadiness readiness = HostReadiness.check();
 * log.info(readiness.summary());   // "user namespaces ready: 9 ok, 2 warn, 0 fail, 2 skipped; warn: subuid, subgid"
 * for (HostReadiness.Finding f : readiness.findings()) {
 *     if (f.status() != HostReadiness.Status.OK) {
 *         log.warn("{} {}: {} -> {}", f.status(), f.check().key(), f.evidence(), f.fix());
 *     }
 * }
 * }</pre>
 *
 * <p>The findings come in the order of {@link Check}, one per check. {@link #ready()} is true when none failed:
 * a warning names something that limits what works (say, no subordinate ids: only single-id maps), not a blocker.
 *
 * @param findings one finding per check, in the order of {@link Check}
 */
public record HostReadiness(List<Finding> findings) {

    /**
     * What is checked, in the order of the report; {@link #key()} is the name used in logs and JSON.
     *
     * <pre>{@code
     * HostReadiness.Finding helper = HostReadiness.check().finding(HostReadiness.Check.NEWUIDMAP);
     * helper.check().key();   // "newuidmap"
     * }</pre>
     */
    public enum Check {
        /** The kernel has user namespaces: {@code /proc/self/ns/user} exists. */
        USER_NAMESPACES,
        /** {@code user.max_user_namespaces}: 0 disables new user namespaces in this namespace. */
        MAX_USER_NAMESPACES,
        /** Debian's {@code kernel.unprivileged_userns_clone}: 0 refuses unprivileged callers. */
        UNPRIVILEGED_USERNS_CLONE,
        /**
         * Ubuntu's {@code kernel.apparmor_restrict_unprivileged_userns}: 1 lets the namespace be created but denies
         * capabilities in it, so map writes fail afterwards.
         */
        APPARMOR_RESTRICT_UNPRIVILEGED_USERNS,
        /**
         * The seccomp mode of the calling thread ({@code Seccomp:} in {@code /proc/thread-self/status}): a filter,
         * as container runtimes install, may refuse the calls that create user namespaces.
         */
        SECCOMP,
        /** Whether this process already sits in a non-initial user namespace, and how deep. */
        NESTING,
        /**
         * This process's effective uid and gid have a mapping in its user namespace: the kernel creates no user
         * namespace for a process whose ids have none (a container started as a host uid outside its map).
         */
        IDENTITY,
        /** util-linux {@code unshare} is installed: every launch runs it to create the child's namespaces. */
        UNSHARE,
        /**
         * util-linux {@code setpriv} is installed: a child that runs as other host ids than this process's own (its
         * {@code hostIdentity}, or a launcher whose root inside maps elsewhere) is started through it.
         */
        SETPRIV,
        /** {@code newuidmap} is installed and carries setuid root or file capabilities. */
        NEWUIDMAP,
        /** {@code newgidmap} is installed and carries setuid root or file capabilities. */
        NEWGIDMAP,
        /** The current user's ranges in {@code /etc/subuid}, and whether one contains its own uid. */
        SUBUID,
        /** The current user's ranges in {@code /etc/subgid}, and whether one contains its own gid. */
        SUBGID;

        private final String key = name().toLowerCase(Locale.ROOT);

        /**
         * The lower-case name, for JSON and logs, e.g. {@code max_user_namespaces}.
         *
         * @return the check's key, e.g. {@code subuid}
         */
        public String key() {
            return key;
        }
    }

    /**
     * How a check came out; only {@link #FAIL} makes the host not {@linkplain HostReadiness#ready() ready}.
     *
     * <pre>{@code
     * for (HostReadiness.Finding f : HostReadiness.check().findings()) {
     *     if (f.status() == HostReadiness.Status.FAIL) {
     *         System.err.println(f.check().key() + ": " + f.fix());
     *     }
     * }
     * }</pre>
     */
    public enum Status {
        /** Nothing to do. */
        OK,
        /** Works, with a limit worth knowing (e.g. only single-id maps). */
        WARN,
        /** Rootless user namespaces will fail here until the fix is applied. */
        FAIL,
        /** Does not apply to this host (e.g. a knob this kernel does not have). */
        SKIPPED;

        private final String key = name().toLowerCase(Locale.ROOT);

        /**
         * The lower-case name, for JSON and logs.
         *
         * @return the status's key, e.g. {@code warn}
         */
        public String key() {
            return key;
        }
    }

    /**
     * One check's outcome.
     *
     * <pre>{@code
     * new HostReadiness.Finding(HostReadiness.Check.MAX_USER_NAMESPACES, HostReadiness.Status.FAIL,
     *         "/proc/sys/user/max_user_namespaces = 0", "sysctl -w user.max_user_namespaces=15000");
     * }</pre>
     *
     * @param check what was checked
     * @param status how it came out
     * @param evidence what was read, with where from
     * @param fix what to do; empty when nothing is
     */
    public record Finding(Check check, Status status, String evidence, String fix) {

        /** Requires every field; a null fix reads as empty. */
        public Finding {
            Objects.requireNonNull(check, "check");
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(evidence, "evidence");
            fix = fix == null ? "" : fix;
        }
    }

    /** Copies the findings. */
    public HostReadiness {
        findings = List.copyOf(findings);
    }

    /**
     * Checks this host for this process: its credentials, {@code /proc}, {@code /etc}, and the helpers.
     *
     * @return one finding per {@link Check}
     */
    public static HostReadiness check() {
        return check(Path.of("/"));
    }

    /**
     * Checks with every file read under another root directory (for {@code /proc/sys/...}, {@code /proc/self/...},
     * {@code /etc/...} and the helpers' directories), with this process's own credentials. Meant for tests that
     * need a knob this host lacks.
     *
     * @param root the directory that stands for {@code /}
     * @return one finding per {@link Check}
     */
    public static HostReadiness check(Path root) {
        return new HostReadiness(ReadinessChecks.run(Objects.requireNonNull(root, "root")));
    }

    /**
     * Whether no check failed.
     *
     * @return {@code true} when no finding is {@link Status#FAIL}
     */
    public boolean ready() {
        return findings.stream().noneMatch(f -> f.status() == Status.FAIL);
    }

    /**
     * The finding for one check.
     *
     * @param check the check to look up
     * @return its finding
     */
    public Finding finding(Check check) {
        return findings.stream().filter(f -> f.check() == check).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no finding for " + check));
    }

    /**
     * One line for a start-up log: ready or not, the counts, and the checks that failed or warned, e.g.
     * {@code user namespaces NOT ready: 10 ok, 1 warn, 1 fail, 1 skipped; fail: max_user_namespaces; warn: subuid}.
     *
     * @return the summary line
     */
    public String summary() {
        StringBuilder line = new StringBuilder(ready() ? "user namespaces ready: " : "user namespaces NOT ready: ");
        List<String> counts = new ArrayList<>();
        for (Status status : Status.values()) {
            counts.add(findings.stream().filter(f -> f.status() == status).count() + " " + status.key());
        }
        line.append(String.join(", ", counts));
        for (Status status : List.of(Status.FAIL, Status.WARN)) {
            List<String> keys = findings.stream().filter(f -> f.status() == status).map(f -> f.check().key()).toList();
            if (!keys.isEmpty()) {
                line.append("; ").append(status.key()).append(": ").append(String.join(", ", keys));
            }
        }
        return line.toString();
    }
}
