package dev.linx.user;

import dev.linx.user.internal.ids.NamespaceRelease;
import dev.linx.user.internal.launch.RootPlan;
import dev.linx.user.internal.prepared.PreparedChildren;
import dev.linx.user.internal.sys.Credentials;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * Starts workloads in fresh user namespaces: park, write the maps, proceed. The maps are either one fixed
 * {@link MapSetup} for every workload ({@linkplain Builder#defaults defaults}) or, for sandboxes that must not reach
 * each other, a fresh block of host ids per workload from an {@link IdPool} ({@linkplain Builder#isolated isolated}).
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
 *
 * UserNamespaceLauncher sandboxes = UserNamespaceLauncher.builder(UserNamespaces.operations())
 *         .isolated(IdPool.subordinate(), 65536)     // every workload its own 65536 host ids
 *         .namespaces(Set.of(Namespace.PID))
 *         .build();
 * }</pre>
 */
public final class UserNamespaceLauncher implements AutoCloseable {

    private final UserNamespaceOperations operations;
    private final MapSetup defaults;
    private final Isolation isolation;
    private final Set<Namespace> namespaces;
    private final Credentials self;
    private final RootPlan defaultsPlan;
    /** {@code null} without prepared children. */
    private final PreparedStarts prepared;
    private final Listener listener;

    /**
     * A launcher that creates a user namespace only.
     *
     * @param operations writes the maps
     * @param defaults the maps every {@link #start(List)} writes
     * @throws InvalidMappingException when the defaults are invalid
     */
    public UserNamespaceLauncher(UserNamespaceOperations operations, MapSetup defaults) {
        this(operations, defaults, Set.of(Namespace.USER));
    }

    /**
     * A launcher that creates the given namespaces ({@link Namespace#USER} is added when left out).
     *
     * @param operations writes the maps
     * @param defaults the maps every {@link #start(List)} writes
     * @param namespaces the namespaces each child is started in
     * @throws InvalidMappingException when the defaults are invalid
     */
    public UserNamespaceLauncher(UserNamespaceOperations operations, MapSetup defaults, Set<Namespace> namespaces) {
        this(operations, Objects.requireNonNull(defaults, "defaults"), null, namespaces, 0, null);
    }

    private UserNamespaceLauncher(UserNamespaceOperations operations, MapSetup defaults, Isolation isolation,
            Set<Namespace> namespaces, int preparedCount, Listener listener) {
        this.operations = Objects.requireNonNull(operations, "operations");
        this.defaults = defaults == null ? null : defaults.validate();
        this.isolation = isolation;
        EnumSet<Namespace> all = EnumSet.of(Namespace.USER);
        all.addAll(Objects.requireNonNull(namespaces, "namespaces"));
        this.namespaces = Set.copyOf(all);
        this.self = Credentials.current();
        this.defaultsPlan = defaults == null ? null : RootPlan.of(this.defaults, self);
        this.listener = listener;
        // Last: the pool's thread starts parking children at once, with every field above set.
        this.prepared = preparedCount == 0 ? null : new PreparedStarts(preparedCount, this.operations, this.defaults,
                defaultsPlan, isolation, this.namespaces, self);
    }

    /**
     * A builder: {@code defaults} or {@code isolated}, the namespaces, prepared children.
     *
     * <pre>{@code
     * UserNamespaceLauncher launcher = UserNamespaceLauncher.builder(operations)
     *         .isolated(IdPool.of(IdRange.parse("1000000:1048576"), IdRange.parse("1000000:1048576")), 65536)
     *         .build();
     * }</pre>
     *
     * @param operations writes the maps
     * @return a new builder
     */
    public static Builder builder(UserNamespaceOperations operations) {
        return new Builder(Objects.requireNonNull(operations, "operations"));
    }

    /**
     * Parks {@code argv}, applies the maps, and lets it run. If the maps cannot be written, the child is killed
     * and reaped and the {@link UserNamespaceException} is rethrown.
     *
     * @param argv the workload's command line; argv[0] is looked up on the PATH
     * @return the running workload; destroying it ends all of it, as {@link ParkedProcess#proceed()} says: with a
     *         {@link Namespace#PID} namespace every process in it, without one its process group
     * @throws IdPoolExhaustedException for an isolated launcher whose pool has no free block, before any child is
     *         started
     */
    public Process start(List<String> argv) {
        return launch(argv, null);
    }

    /**
     * {@link #start(List)}, running {@code atCheckpoint} with the child's host pid once the maps are written and
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
     * @param argv the workload's command line; argv[0] is looked up on the PATH
     * @param atCheckpoint given the child's host pid while the child is parked
     * @return the running workload
     */
    public Process start(List<String> argv, LongConsumer atCheckpoint) {
        return launch(argv, Objects.requireNonNull(atCheckpoint, "atCheckpoint"));
    }

    private Process launch(List<String> argv, LongConsumer atCheckpoint) {
        if (prepared != null) {
            List<String> checked = ParkedProcess.checkArgv(argv);
            PreparedChildren.Prepared child = prepared.take(checked);
            if (listener != null) {
                listener.prepared(child != null ? PreparedResult.HIT : PreparedResult.MISS);
            }
            if (child != null) {
                return prepared.start(child, checked, atCheckpoint);
            }
        }
        if (isolation == null) {
            return launch(argv, defaults, defaultsPlan, atCheckpoint);
        }
        IdLease lease = isolation.pool().lease(isolation.size());
        Process workload = null;
        try {
            MapSetup setup = lease.mapSetup();
            workload = launch(argv, setup, RootPlan.of(setup, self), atCheckpoint);
            NamespaceRelease.afterExit(workload, namespaces.contains(Namespace.PID), lease.uids(), lease.gids(),
                    lease::close);
            return workload;
        } finally {
            if (workload == null) {
                // The child was killed and reaped, or never started: no namespace maps the block.
                lease.close();
            }
        }
    }

    private Process launch(List<String> argv, MapSetup setup, RootPlan plan, LongConsumer atCheckpoint) {
        ParkedProcess.Builder builder = ParkedProcess.builder(argv).namespaces(namespaces);
        if (plan.hostIds() != null) {
            builder.hostIdentity(plan.hostIds().uid(), plan.hostIds().gid());
        }
        builder.rootInside(plan.rootInside());
        try (ParkedProcess child = builder.start()) {
            operations.setupMaps(child.hostPid(), setup);
            if (atCheckpoint != null) {
                atCheckpoint.accept(child.hostPid());
            }
            return child.proceed();
        }
    }

    /**
     * Parks {@code argv} in this launcher's namespaces, for callers who write their own maps. The child keeps this
     * JVM's host ids, as {@link ParkedProcess} children do: to write this launcher's maps and look at the child
     * before it runs, with root inside guaranteed, use {@link #start(List, LongConsumer)}.
     *
     * @param argv the workload's command line; argv[0] is looked up on the PATH
     * @return the parked child; close it when done
     */
    public ParkedProcess park(List<String> argv) {
        return ParkedProcess.start(argv, namespaces);
    }

    /**
     * The setup {@link #start(List)} writes for every workload.
     *
     * @return the default setup
     * @throws IllegalStateException for an isolated launcher: each of its workloads gets its own lease's
     *         {@link IdLease#mapSetup()} (see {@link #isolation()})
     */
    public MapSetup defaults() {
        if (defaults == null) {
            throw new IllegalStateException("an isolated launcher has no defaults: each workload gets the mapSetup()"
                    + " of its own lease from " + isolation.pool());
        }
        return defaults;
    }

    /**
     * The pool and block size of an isolated launcher; empty for one with defaults.
     *
     * @return the isolation, or empty
     */
    public Optional<Isolation> isolation() {
        return Optional.ofNullable(isolation);
    }

    /**
     * The namespaces each child is started in.
     *
     * @return the namespaces, {@link Namespace#USER} among them
     */
    public Set<Namespace> namespaces() {
        return namespaces;
    }

    /**
     * How many children this launcher keeps prepared and how many wait now.
     *
     * @return the status, or empty without prepared children
     */
    public Optional<PreparedStatus> prepared() {
        return prepared == null ? Optional.empty() : Optional.of(prepared.status());
    }

    /**
     * Kills and reaps the prepared children and gives their leases back. Workloads already started run on, and an
     * isolated workload's lease still goes back once its namespace is empty. Starts after {@code close()} park their
     * own child, as without prepared children. Idempotent.
     */
    @Override
    public void close() {
        if (prepared != null) {
            prepared.close();
        }
    }

    @Override
    public String toString() {
        return "UserNamespaceLauncher[" + (isolation == null ? "defaults=" + defaults : "isolated=" + isolation)
                + ", namespaces=" + namespaces + "]";
    }

    /**
     * What a launcher tells about its starts, for meters (the starter counts them). Called on the starting thread:
     * keep it quick; what it throws reaches the caller of {@code start}.
     *
     * <pre>{@code
     * LongAdder hits = new LongAdder();
     * UserNamespaceLauncher launcher = UserNamespaceLauncher.builder(operations)
     *         .prepared(2)
     *         .listener(result -> { if (result == PreparedResult.HIT) hits.increment(); })
     *         .build();
     * }</pre>
     */
    @FunctionalInterface
    public interface Listener {

        /**
         * A start of a launcher with prepared children took one ({@code HIT}) or parked its own ({@code MISS}).
         *
         * @param result hit or miss
         */
        void prepared(PreparedResult result);
    }

    /** Whether a start found a prepared child waiting. */
    public enum PreparedResult {
        /** A prepared child was waiting: the start cost one {@code exec}. */
        HIT,
        /** None was: the start parked its own child, as without prepared children. */
        MISS
    }

    /**
     * The prepared children of a launcher.
     *
     * <pre>{@code
     * launcher.prepared().map(PreparedStatus::ready).orElse(0);   // 3 of 4, say
     * }</pre>
     *
     * @param target how many the launcher keeps ready
     * @param ready how many wait now
     */
    public record PreparedStatus(int target, int ready) {
    }

    /**
     * Where an isolated launcher takes each workload's host ids.
     *
     * <pre>{@code
     * launcher.isolation().map(Isolation::size).orElse(0L);   // 65536
     * }</pre>
     *
     * @param pool the pool leases come from
     * @param size the ids each workload gets, uids and gids alike
     */
    public record Isolation(IdPool pool, long size) {

        /**
         * Checks the size.
         *
         * @throws IllegalArgumentException for a size {@link IdPool#checkSize(long)} refuses
         */
        public Isolation {
            Objects.requireNonNull(pool, "pool");
            IdPool.checkSize(size);
        }
    }

    /**
     * Builds a launcher: {@code defaults} or {@code isolated} (neither: {@link MapSetup#rootless()}), the namespaces,
     * and how many children to keep prepared.
     *
     * <pre>{@code
     * UserNamespaceLauncher launcher = UserNamespaceLauncher.builder(operations)
     *         .defaults(MapSetup.rootless())
     *         .namespaces(Set.of(Namespace.PID, Namespace.MOUNT))
     *         .build();
     * }</pre>
     */
    public static final class Builder {

        private final UserNamespaceOperations operations;
        private MapSetup defaults;
        private IdPool pool;
        private long size;
        private Set<Namespace> namespaces = Set.of(Namespace.USER);
        private int prepared;
        private Listener listener;

        private Builder(UserNamespaceOperations operations) {
            this.operations = operations;
        }

        /**
         * Every workload gets these maps; excludes {@link #isolated}.
         *
         * @param defaults the maps every workload gets
         * @return this builder
         */
        public Builder defaults(MapSetup defaults) {
            this.defaults = Objects.requireNonNull(defaults, "defaults");
            return this;
        }

        /**
         * Every workload gets a fresh {@link IdLease} of {@code size} ids from {@code pool} and its
         * {@link IdLease#mapSetup()}; the lease goes back once no process is left in the workload's user namespace.
         * Excludes {@link #defaults}.
         *
         * @param pool where the blocks come from
         * @param size the block size, as {@link IdPool#lease(long)} takes it
         * @return this builder
         */
        public Builder isolated(IdPool pool, long size) {
            this.pool = Objects.requireNonNull(pool, "pool");
            this.size = size;
            return this;
        }

        /**
         * The namespaces each child is started in ({@link Namespace#USER} is added when left out).
         *
         * @param namespaces the namespaces to create
         * @return this builder
         */
        public Builder namespaces(Set<Namespace> namespaces) {
            this.namespaces = Set.copyOf(Objects.requireNonNull(namespaces, "namespaces"));
            return this;
        }

        /**
         * How many children to keep parked ahead, namespaces made and maps written (and, isolated, leases held); 0,
         * the default, for none. They start being parked when {@link #build()} returns, on a thread of their own
         * ({@code linx-user-prepared}); a start takes one or, when none waits, parks its own. Each serves exactly one
         * workload, which sees what a cold start gives it. {@link UserNamespaceLauncher#close()} kills them.
         *
         * @param count how many children to keep parked, 0 or more
         * @return this builder
         */
        public Builder prepared(int count) {
            this.prepared = count;
            return this;
        }

        /**
         * Told about starts (prepared hit or miss); none by default.
         *
         * @param listener called on the starting thread
         * @return this builder
         */
        public Builder listener(Listener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return the launcher
         * @throws InvalidMappingException for bad defaults
         * @throws IllegalArgumentException for a bad block size, a size larger than the pool, a negative
         *         {@code prepared}, or both {@code defaults} and {@code isolated}
         */
        public UserNamespaceLauncher build() {
            if (defaults != null && pool != null) {
                throw new IllegalArgumentException("defaults and isolated exclude each other: a launcher gives every"
                        + " workload either the same maps or its own block");
            }
            if (prepared < 0) {
                throw new IllegalArgumentException("prepared must be 0 or more, got " + prepared);
            }
            if (pool != null) {
                Isolation isolation = new Isolation(pool, size);
                pool.blocks(size);   // refuses a block larger than the pool now, not at the first start
                return new UserNamespaceLauncher(operations, null, isolation, namespaces, prepared, listener);
            }
            return new UserNamespaceLauncher(operations, defaults == null ? MapSetup.rootless() : defaults, null,
                    namespaces, prepared, listener);
        }
    }
}
