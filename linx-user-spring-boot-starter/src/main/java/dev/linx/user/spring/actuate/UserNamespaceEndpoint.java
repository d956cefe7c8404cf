package dev.linx.user.spring.actuate;

import dev.linx.user.Errno;
import dev.linx.user.HostReadiness;
import dev.linx.user.IdMapping;
import dev.linx.user.IdPool;
import dev.linx.user.IdRange;
import dev.linx.user.MapSetup;
import dev.linx.user.UserNamespaceException;
import dev.linx.user.UserNamespaceLauncher;
import dev.linx.user.UserNamespaceOperations;
import dev.linx.user.Workload;
import java.io.UncheckedIOException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.jspecify.annotations.Nullable;

/**
 * The {@code userns} actuator endpoint: whether user namespaces are supported, this process's own maps, the defaults
 * the launcher writes or, for an isolated launcher, its pool and how much of it is leased, how many prepared children
 * the launcher keeps and how many wait, the launcher's live workloads (never their argv or environment), and, at
 * {@code /actuator/userns/{pid}}, the maps of any one process.
 * Read-only.
 *
 * <pre>{@code
 * management.endpoints.web.exposure.include: health,userns
 * $ curl localhost:8080/actuator/userns/4242
 * {"pid":4242,"uidMap":[{"inside":0,"outside":1000,"length":1}],"gidMap":[...],"setgroups":"deny"}
 * }</pre>
 */
@Endpoint(id = "userns")
public final class UserNamespaceEndpoint {

    /** A positive number as the kernel writes a pid: decimal digits, no sign, no leading zero, any length. */
    private static final Pattern PID = Pattern.compile("[1-9][0-9]*");

    private final UserNamespaceOperations operations;

    private final @Nullable MapSetup defaults;

    private final UserNamespaceLauncher.@Nullable Isolation isolation;

    private final Supplier<HostReadiness> readiness;

    /** For {@code "prepared"}; null when the endpoint was given no launcher. */
    private final @Nullable UserNamespaceLauncher launcher;

    /**
     * An endpoint that checks the host's readiness on each read.
     *
     * @param operations reads the maps
     * @param defaults what the launcher writes, or null when there is no launcher
     */
    public UserNamespaceEndpoint(UserNamespaceOperations operations, @Nullable MapSetup defaults) {
        this(operations, defaults, HostReadiness::check);
    }

    /**
     * An endpoint that takes the host's readiness from a supplier.
     *
     * @param operations reads the maps
     * @param defaults what the launcher writes, or null when there is no launcher
     * @param readiness the host readiness report, taken on each read
     */
    public UserNamespaceEndpoint(UserNamespaceOperations operations, @Nullable MapSetup defaults,
            Supplier<HostReadiness> readiness) {
        this(operations, defaults, null, readiness);
    }

    /**
     * @param operations reads the maps
     * @param defaults what the launcher writes, or null when there is no launcher or it is isolated
     * @param isolation the pool and block size of an isolated launcher, or null
     * @param readiness the host readiness report, taken on each read
     */
    public UserNamespaceEndpoint(UserNamespaceOperations operations, @Nullable MapSetup defaults,
            UserNamespaceLauncher.@Nullable Isolation isolation, Supplier<HostReadiness> readiness) {
        this(operations, defaults, isolation, readiness, null);
    }

    /**
     * An endpoint that reports a launcher: its defaults or, isolated, its pool, its prepared children and its live
     * workloads.
     *
     * @param operations reads the maps
     * @param launcher the launcher the application starts its workloads with
     * @param readiness the host readiness report, taken on each read
     */
    public UserNamespaceEndpoint(UserNamespaceOperations operations, UserNamespaceLauncher launcher,
            Supplier<HostReadiness> readiness) {
        // An isolated launcher has no defaults: each workload's maps are its own block, which "pool" describes.
        this(operations, launcher.isolation().isPresent() ? null : launcher.defaults(),
                launcher.isolation().orElse(null), readiness, launcher);
    }

    private UserNamespaceEndpoint(UserNamespaceOperations operations, @Nullable MapSetup defaults,
            UserNamespaceLauncher.@Nullable Isolation isolation, Supplier<HostReadiness> readiness,
            @Nullable UserNamespaceLauncher launcher) {
        this.operations = operations;
        this.defaults = defaults;
        this.isolation = isolation;
        this.readiness = readiness;
        this.launcher = launcher;
    }

    /**
     * The whole report.
     *
     * @return whether user namespaces are supported, this process's maps, the launcher's defaults, its live
     *         workloads and the host's readiness
     */
    @ReadOperation
    public UserNamespacesDescriptor userNamespaces() {
        boolean supported = this.operations.isSupported();
        ProcessDescriptor self = supported ? describe(ProcessHandle.current().pid()) : null;
        DefaultsDescriptor defaults = (this.defaults != null) ? new DefaultsDescriptor(ranges(this.defaults.uid()),
                ranges(this.defaults.gid()), this.defaults.setgroups().name().toLowerCase(Locale.ROOT)) : null;
        PoolDescriptor pool = (this.isolation != null) ? PoolDescriptor.of(this.isolation) : null;
        PreparedDescriptor prepared = (this.launcher != null)
                ? this.launcher.prepared().map(PreparedDescriptor::of).orElse(null) : null;
        List<WorkloadDescriptor> workloads = (this.launcher != null)
                ? this.launcher.workloads().stream().map(WorkloadDescriptor::of).toList() : null;
        return new UserNamespacesDescriptor(supported, self, defaults, pool, prepared, workloads,
                ReadinessDescriptor.of(this.readiness.get()));
    }

    /**
     * One process, or {@code null} (404) when there is no such process: for every positive decimal number, however
     * large, that names none.
     *
     * @param pid the process's pid, in decimal
     * @return its maps and setgroups state
     * @throws InvalidEndpointRequestException (400) when {@code pid} is not a positive decimal number
     */
    @ReadOperation
    public @Nullable ProcessDescriptor process(@Selector String pid) {
        if (pid == null || !PID.matcher(pid).matches()) {
            throw new InvalidEndpointRequestException("Not a pid: a pid is a positive decimal number",
                    "pid must be a positive decimal number");
        }
        // A pid_t is a signed 32-bit number: a larger number names no process, whatever the kernel's pid_max.
        if (pid.length() > 10 || Long.parseLong(pid) > Integer.MAX_VALUE) {
            return null;
        }
        try {
            return describe(Long.parseLong(pid));
        }
        catch (UserNamespaceException ex) {
            if (ex.errno() == Errno.ENOENT || ex.errno() == Errno.ESRCH) {
                return null;
            }
            throw ex;
        }
    }

    private ProcessDescriptor describe(long pid) {
        return new ProcessDescriptor(pid, ranges(this.operations.readUidMap(pid)),
                ranges(this.operations.readGidMap(pid)),
                this.operations.readSetgroups(pid).name().toLowerCase(Locale.ROOT));
    }

    private static List<RangeDescriptor> ranges(List<IdMapping> map) {
        return map.stream().map(m -> new RangeDescriptor(m.inside(), m.outside(), m.length())).toList();
    }

    /**
     * The endpoint's report. An actuator response body: absent parts are left out of the JSON, not written as null.
     *
     * @param supported whether this kernel has user namespaces
     * @param self this process's maps, absent when unsupported
     * @param defaults what the launcher writes for each workload, absent without a launcher and for an isolated one
     * @param pool where an isolated launcher takes each workload's ids, absent otherwise
     * @param prepared the launcher's prepared children, absent when it keeps none
     * @param workloads the launcher's workloads that still run, oldest first; absent without a launcher
     * @param readiness whether this host is ready for user namespaces, and why not
     */
    public record UserNamespacesDescriptor(boolean supported, @Nullable ProcessDescriptor self,
            @Nullable DefaultsDescriptor defaults, @Nullable PoolDescriptor pool, @Nullable PreparedDescriptor prepared,
            @Nullable List<WorkloadDescriptor> workloads, ReadinessDescriptor readiness)
            implements OperationResponseBody {
    }

    /**
     * A launcher's prepared children.
     *
     * @param target how many it keeps parked ahead
     * @param ready how many wait now
     */
    public record PreparedDescriptor(int target, int ready) {

        static PreparedDescriptor of(UserNamespaceLauncher.PreparedStatus status) {
            return new PreparedDescriptor(status.target(), status.ready());
        }
    }

    /**
     * A live workload as an operator may see it: never its argv or environment, which may hold secrets.
     *
     * @param pid its pid as the host sees it
     * @param started when it was released, ISO-8601 in UTC to the second, e.g. {@code 2026-12-04T12:00:00Z}
     * @param namespaces the namespaces it runs in, lower-case, in {@link dev.linx.user.Namespace}'s order ({@code user} first)
     * @param uidMap the uid map written for it
     * @param gidMap the gid map written for it
     */
    public record WorkloadDescriptor(long pid, String started, List<String> namespaces,
            List<RangeDescriptor> uidMap, List<RangeDescriptor> gidMap) {

        static WorkloadDescriptor of(Workload workload) {
            // Instant.toString of a whole second is always yyyy-MM-ddTHH:mm:ssZ.
            String started = workload.started().truncatedTo(ChronoUnit.SECONDS).toString();
            List<String> namespaces = workload.namespaces()
                .stream()
                .sorted()
                .map(namespace -> namespace.name().toLowerCase(Locale.ROOT))
                .toList();
            return new WorkloadDescriptor(workload.pid(), started, namespaces, ranges(workload.maps().uid()),
                    ranges(workload.maps().gid()));
        }
    }

    /**
     * An isolated launcher's pool and its use now, by every process leasing from the same ids.
     *
     * @param uids the host uids the pool hands out
     * @param gids the host gids
     * @param size the ids each workload gets
     * @param blocks how many blocks of that size the pool holds
     * @param leased how many are taken now (by a live lease or a live namespace), absent when the ledger cannot be
     *        read
     * @param error why the ledger cannot be read, absent when it can
     */
    public record PoolDescriptor(IdRangeDescriptor uids, IdRangeDescriptor gids, long size, long blocks,
            @Nullable Long leased, @Nullable String error) {

        static PoolDescriptor of(UserNamespaceLauncher.Isolation isolation) {
            IdPool pool = isolation.pool();
            IdRangeDescriptor uids = IdRangeDescriptor.of(pool.uids());
            IdRangeDescriptor gids = IdRangeDescriptor.of(pool.gids());
            try {
                IdPool.Usage usage = pool.usage(isolation.size());
                return new PoolDescriptor(uids, gids, usage.size(), usage.blocks(), usage.leased(), null);
            }
            catch (UncheckedIOException ex) {
                return new PoolDescriptor(uids, gids, isolation.size(), pool.blocks(isolation.size()), null,
                        ex.getMessage());
            }
        }
    }

    /**
     * A range of host ids.
     *
     * @param start the first id
     * @param count how many
     */
    public record IdRangeDescriptor(long start, long count) {

        static IdRangeDescriptor of(IdRange range) {
            return new IdRangeDescriptor(range.start(), range.count());
        }
    }

    /**
     * The host readiness report.
     *
     * @param ready true when no finding failed
     * @param summary one line
     * @param findings one per check
     */
    public record ReadinessDescriptor(boolean ready, String summary, List<FindingDescriptor> findings) {

        static ReadinessDescriptor of(HostReadiness report) {
            return new ReadinessDescriptor(report.ready(), report.summary(), report.findings()
                .stream()
                .map(f -> new FindingDescriptor(f.check().key(), f.status().key(), f.evidence(), f.fix()))
                .toList());
        }
    }

    /**
     * One readiness finding, in lower-case keys.
     *
     * @param check what was checked, e.g. {@code max_user_namespaces}
     * @param status {@code ok}, {@code warn}, {@code fail} or {@code skipped}
     * @param evidence what was read
     * @param fix what to do, empty when nothing
     */
    public record FindingDescriptor(String check, String status, String evidence, String fix) {
    }

    /**
     * One process's maps as the kernel reports them.
     *
     * @param pid the process
     * @param uidMap its uid map, empty while unwritten
     * @param gidMap its gid map, empty while unwritten
     * @param setgroups {@code allow} or {@code deny}
     */
    public record ProcessDescriptor(long pid, List<RangeDescriptor> uidMap, List<RangeDescriptor> gidMap,
            String setgroups) {
    }

    /**
     * The maps the launcher writes.
     *
     * @param uidMap uid map
     * @param gidMap gid map
     * @param setgroups {@code deny} or {@code skip}
     */
    public record DefaultsDescriptor(List<RangeDescriptor> uidMap, List<RangeDescriptor> gidMap, String setgroups) {
    }

    /**
     * One map entry.
     *
     * @param inside first id inside
     * @param outside first id outside
     * @param length how many ids
     */
    public record RangeDescriptor(long inside, long outside, long length) {
    }
}
