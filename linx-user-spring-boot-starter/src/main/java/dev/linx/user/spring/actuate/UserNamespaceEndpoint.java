package dev.linx.user.spring.actuate;

import dev.linx.user.Errno;
import dev.linx.user.HostReadiness;
import dev.linx.user.IdMapping;
import dev.linx.user.MapSetup;
import dev.linx.user.UserNamespaceException;
import dev.linx.user.UserNamespaceOperations;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.jspecify.annotations.Nullable;

/**
 * The {@code userns} actuator endpoint: whether user namespaces are supported, this process's own maps, the defaults
 * the launcher writes, and, at {@code /actuator/userns/{pid}}, the maps of any one process. Read-only.
 *
 * <pre>{@code
 * management.endpoints.web.exposure.include: health,userns
 * $ curl localhost:8080/actuator/userns/4242
 * {"pid":4242,"uidMap":[{"inside":0,"outside":1000,"length":1}],"gidMap":[...],"setgroups":"deny"}
 * }</pre>
 */
@Endpoint(id = "userns")
public final class UserNamespaceEndpoint {

    /** A pid as the kernel writes it: decimal, no sign, no leading zero, within the kernel's pid range. */
    private static final Pattern PID = Pattern.compile("[1-9][0-9]{0,9}");

    private static final long PID_MAX_LIMIT = 4_194_304;

    private final UserNamespaceOperations operations;

    private final @Nullable MapSetup defaults;

    private final Supplier<HostReadiness> readiness;

    /**
     * @param operations reads the maps
     * @param defaults what the launcher writes, or null when there is no launcher
     */
    public UserNamespaceEndpoint(UserNamespaceOperations operations, @Nullable MapSetup defaults) {
        this(operations, defaults, HostReadiness::check);
    }

    /**
     * @param operations reads the maps
     * @param defaults what the launcher writes, or null when there is no launcher
     * @param readiness the host readiness report, taken on each read
     */
    public UserNamespaceEndpoint(UserNamespaceOperations operations, @Nullable MapSetup defaults,
            Supplier<HostReadiness> readiness) {
        this.operations = operations;
        this.defaults = defaults;
        this.readiness = readiness;
    }

    /** The whole report. */
    @ReadOperation
    public UserNamespacesDescriptor userNamespaces() {
        boolean supported = this.operations.isSupported();
        ProcessDescriptor self = supported ? describe(ProcessHandle.current().pid()) : null;
        DefaultsDescriptor defaults = (this.defaults != null) ? new DefaultsDescriptor(ranges(this.defaults.uid()),
                ranges(this.defaults.gid()), this.defaults.setgroups().name().toLowerCase(Locale.ROOT)) : null;
        return new UserNamespacesDescriptor(supported, self, defaults, ReadinessDescriptor.of(this.readiness.get()));
    }

    /**
     * One process, or {@code null} (404) when there is no such process.
     *
     * @throws InvalidEndpointRequestException (400) when {@code pid} is not a positive decimal pid
     */
    @ReadOperation
    public @Nullable ProcessDescriptor process(@Selector String pid) {
        long value = parsePid(pid);
        try {
            return describe(value);
        }
        catch (UserNamespaceException ex) {
            if (ex.errno() == Errno.ENOENT || ex.errno() == Errno.ESRCH) {
                return null;
            }
            throw ex;
        }
    }

    private static long parsePid(String text) {
        if (text == null || !PID.matcher(text).matches() || Long.parseLong(text) > PID_MAX_LIMIT) {
            throw new InvalidEndpointRequestException("Not a pid: a pid is a positive decimal number up to "
                    + PID_MAX_LIMIT, "pid must be a positive decimal number");
        }
        return Long.parseLong(text);
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
     * The endpoint's report.
     *
     * @param supported whether this kernel has user namespaces
     * @param self this process's maps, absent when unsupported
     * @param defaults what the launcher writes for each workload, absent without a launcher
     * @param readiness whether this host is ready for user namespaces, and why not
     */
    public record UserNamespacesDescriptor(boolean supported, @Nullable ProcessDescriptor self,
            @Nullable DefaultsDescriptor defaults, ReadinessDescriptor readiness) {
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
