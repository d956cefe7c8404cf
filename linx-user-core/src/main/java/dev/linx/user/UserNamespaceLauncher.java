package dev.linx.user;

import dev.linx.user.internal.launch.ParkSpec;
import dev.linx.user.internal.sys.Credentials;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * Starts workloads in fresh user namespaces with a fixed {@link MapSetup}: park, write the maps, proceed.
 *
 * <p>When the setup maps uid 0 inside, the workload runs as uid 0 and gid 0 inside, with the capabilities root has in
 * its own namespace. With the {@linkplain MapSetup#rootless() rootless} default that needs no privilege at all. When
 * the JVM is privileged and the setup maps root inside to other host ids (say {@code 0 -> 1000}), the child is started
 * as those host ids before it creates its namespace, so that it is the mapped root inside rather than an unmapped
 * 65534. When the JVM may not change ids (an unprivileged JVM whose maps put root inside on a subordinate id, say),
 * the child instead keeps its capabilities in its new namespace while parked and takes uid and gid 0 inside with
 * {@code setpriv} once released, before the workload runs.
 *
 * <pre>{@code
 * UserNamespaceLauncher launcher =
 *         new UserNamespaceLauncher(UserNamespaces.operations(), MapSetup.rootless());
 * Process id = launcher.start(List.of("id", "-u"));
 * new String(id.getInputStream().readAllBytes());   // "0\n"
 * }</pre>
 */
public final class UserNamespaceLauncher {

    private final UserNamespaceOperations operations;
    private final MapSetup defaults;
    private final Set<Namespace> namespaces;
    private final ParkSpec.HostIds rootIds;
    private final ParkSpec.RootInside rootInside;

    /**
     * A launcher that creates a user namespace only.
     *
     * @throws InvalidMappingException when the defaults are invalid
     */
    public UserNamespaceLauncher(UserNamespaceOperations operations, MapSetup defaults) {
        this(operations, defaults, Set.of(Namespace.USER));
    }

    /**
     * A launcher that creates the given namespaces ({@link Namespace#USER} is added when left out).
     *
     * @throws InvalidMappingException when the defaults are invalid
     */
    public UserNamespaceLauncher(UserNamespaceOperations operations, MapSetup defaults, Set<Namespace> namespaces) {
        this.operations = Objects.requireNonNull(operations, "operations");
        this.defaults = Objects.requireNonNull(defaults, "defaults").validate();
        EnumSet<Namespace> all = EnumSet.of(Namespace.USER);
        all.addAll(Objects.requireNonNull(namespaces, "namespaces"));
        this.namespaces = Set.copyOf(all);
        Credentials self = Credentials.current();
        OptionalLong rootUid = outsideOf(defaults.uid(), 0);
        OptionalLong rootGid = outsideOf(defaults.gid(), 0);
        boolean uidDiffers = rootUid.isPresent() && rootUid.getAsLong() != self.euid();
        boolean gidDiffers = rootGid.isPresent() && rootGid.getAsLong() != self.egid();
        if ((uidDiffers || gidDiffers) && self.canChangeIds()) {
            // Cheapest: the child is started as the host ids root inside maps to, and is root there by itself.
            this.rootIds = new ParkSpec.HostIds(rootUid.orElse(self.euid()), rootGid.orElse(self.egid()));
            this.rootInside = null;
        } else if (rootUid.isPresent() && (uidDiffers || gidDiffers)) {
            // Only towards uid 0: the capabilities kept across the park are root's anyway once the workload is uid 0,
            // but a workload left unmapped must not inherit them as ambient ones.
            this.rootIds = null;
            this.rootInside = new ParkSpec.RootInside(uidDiffers, gidDiffers);
        } else {
            this.rootIds = null;
            this.rootInside = null;
        }
    }

    /**
     * Parks {@code argv}, applies the defaults, and lets it run. If the maps cannot be written, the child is killed
     * and reaped and the {@link UserNamespaceException} is rethrown.
     *
     * @return the running workload
     */
    public Process start(List<String> argv) {
        return launch(argv, null);
    }

    /**
     * {@link #start(List)}, running {@code atCheckpoint} with the child's host pid once the defaults are written and
     * before the workload's first instruction: to read back what the kernel now says, join the child to a cgroup, or
     * move a network interface into its namespaces. The child is parked with this launcher's root-inside guarantee,
     * which {@link #park(List)} does not give. If {@code atCheckpoint} throws, the child is killed and reaped and the
     * exception is rethrown; the workload never runs.
     *
     * <pre>{@code
     * List<IdMapping> written = new ArrayList<>();
     * Process workload = launcher.start(List.of("id"), pid -> written.addAll(operations.readUidMap(pid)));
     * }</pre>
     *
     * @return the running workload
     */
    public Process start(List<String> argv, LongConsumer atCheckpoint) {
        return launch(argv, Objects.requireNonNull(atCheckpoint, "atCheckpoint"));
    }

    private Process launch(List<String> argv, LongConsumer atCheckpoint) {
        ParkedProcess.Builder builder = ParkedProcess.builder(argv).namespaces(namespaces);
        if (rootIds != null) {
            builder.hostIdentity(rootIds.uid(), rootIds.gid());
        }
        builder.rootInside(rootInside);
        try (ParkedProcess child = builder.start()) {
            operations.setupMaps(child.hostPid(), defaults);
            if (atCheckpoint != null) {
                atCheckpoint.accept(child.hostPid());
            }
            return child.proceed();
        }
    }

    /**
     * Parks {@code argv} in this launcher's namespaces, for callers who write their own maps. The child keeps this
     * JVM's host ids, as {@link ParkedProcess} children do: to write this launcher's defaults and look at the child
     * before it runs, with root inside guaranteed, use {@link #start(List, LongConsumer)}.
     */
    public ParkedProcess park(List<String> argv) {
        return ParkedProcess.start(argv, namespaces);
    }

    /** The setup {@link #start(List)} writes. */
    public MapSetup defaults() {
        return defaults;
    }

    /** The namespaces each child is started in. */
    public Set<Namespace> namespaces() {
        return namespaces;
    }

    private static OptionalLong outsideOf(List<IdMapping> map, long inside) {
        for (IdMapping m : map) {
            if (inside >= m.inside() && inside <= m.lastInside()) {
                return OptionalLong.of(m.outside() + (inside - m.inside()));
            }
        }
        return OptionalLong.empty();
    }

    @Override
    public String toString() {
        return "UserNamespaceLauncher[defaults=" + defaults + ", namespaces=" + namespaces + "]";
    }
}
