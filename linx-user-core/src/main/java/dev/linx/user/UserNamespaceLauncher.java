package dev.linx.user;

import dev.linx.user.internal.ids.NamespaceRelease;
import dev.linx.user.internal.launch.Exits;
import dev.linx.user.internal.launch.RootPlan;
import dev.linx.user.internal.prepared.PreparedChildren;
import dev.linx.user.internal.sys.Credentials;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
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
    /** How many prepared children to keep; 0 for none. */
    private final int preparedTarget;
    /** {@code null} without prepared children, or until they start being prepared. */
    private volatile PreparedStarts prepared;
    private boolean closed;
    private final List<Listener> listeners;
    private final LiveWorkloads workloads = new LiveWorkloads();

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
        this(operations, Objects.requireNonNull(defaults, "defaults"), null, namespaces, 0, false, List.of());
    }

    private UserNamespaceLauncher(UserNamespaceOperations operations, MapSetup defaults, Isolation isolation,
            Set<Namespace> namespaces, int preparedCount, boolean deferPreparing, List<Listener> listeners) {
        this.operations = Objects.requireNonNull(operations, "operations");
        this.defaults = defaults == null ? null : defaults.validate();
        this.isolation = isolation;
        EnumSet<Namespace> all = EnumSet.of(Namespace.USER);
        all.addAll(Objects.requireNonNull(namespaces, "namespaces"));
        this.namespaces = Set.copyOf(all);
        this.self = Credentials.current();
        this.defaultsPlan = defaults == null ? null : RootPlan.of(this.defaults, self);
        this.listeners = List.copyOf(listeners);
        this.preparedTarget = preparedCount;
        if (!deferPreparing) {
            // Last: the pool's thread starts parking children at once, with every field above set.
            startPreparing();
        }
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
        Launch launch = Listeners.starting(listeners, this);
        Process workload;
        MapSetup maps;
        try {
            PreparedStarts pool = prepared;
            PreparedChildren.Prepared child = null;
            List<String> checked = argv;
            if (pool != null) {
                checked = ParkedProcess.checkArgv(argv);
                child = pool.take(checked);
                launch.prepared(child != null ? PreparedResult.HIT : PreparedResult.MISS);
            } else if (preparedTarget > 0) {
                // Built with deferPreparing() and not yet preparing: a miss, as when none waits.
                launch.prepared(PreparedResult.MISS);
            }
            if (child != null) {
                maps = child.held() instanceof IdLease lease ? lease.mapSetup() : defaults;
                workload = pool.start(child, checked, atCheckpoint);
            } else if (isolation == null) {
                maps = defaults;
                workload = launch(argv, defaults, defaultsPlan, atCheckpoint, launch);
            } else {
                IdLease lease = isolation.pool().lease(isolation.size());
                maps = lease.mapSetup();
                workload = launchLeased(argv, lease, atCheckpoint, launch);
            }
        } catch (RuntimeException | Error e) {
            try {
                launch.failed(e);
            } catch (RuntimeException listenerFailure) {
                e.addSuppressed(listenerFailure);
            }
            throw e;
        }
        Workload started = workloads.add(workload, namespaces, maps);
        try {
            launch.released(started);
        } catch (RuntimeException | Error e) {
            // The caller gets no Process to end it with: the workload must not run on unseen, nor be left unreaped.
            endNow(workload);
            throw e;
        }
        return workload;
    }

    /** Kills the workload and waits for its reaped exit (a SIGKILL is not refused), keeping an interrupt pending. */
    private static void endNow(Process workload) {
        workload.destroyForcibly();
        Exits.await(workload, null);
    }

    private Process launchLeased(List<String> argv, IdLease lease, LongConsumer atCheckpoint, Launch launch) {
        Process workload = null;
        try {
            MapSetup setup = lease.mapSetup();
            workload = launch(argv, setup, RootPlan.of(setup, self), atCheckpoint, launch);
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

    private Process launch(List<String> argv, MapSetup setup, RootPlan plan, LongConsumer atCheckpoint,
            Launch launch) {
        ParkedProcess.Builder builder = ParkedProcess.builder(argv).namespaces(namespaces);
        if (plan.hostIds() != null) {
            builder.hostIdentity(plan.hostIds().uid(), plan.hostIds().gid());
        }
        builder.rootInside(plan.rootInside());
        try (ParkedProcess child = builder.start()) {
            launch.parked(child.hostPid());
            operations.setupMaps(child.hostPid(), setup);
            launch.mapped(child.hostPid());
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
        if (preparedTarget == 0) {
            return Optional.empty();
        }
        PreparedStarts pool = prepared;
        return Optional.of(pool == null ? new PreparedStatus(preparedTarget, 0) : pool.status());
    }

    /**
     * Starts parking the prepared children of a launcher built with {@link Builder#deferPreparing()}, on their own
     * thread; until then its starts miss. Does nothing when they are already being prepared, when the launcher has
     * none, or once it is {@linkplain #close() closed}.
     *
     * <pre>{@code
     * UserNamespaceLauncher launcher = UserNamespaceLauncher.builder(operations).prepared(4).deferPreparing().build();
     * // ... once the application is up:
     * launcher.startPreparing();
     * }</pre>
     */
    public synchronized void startPreparing() {
        if (preparedTarget > 0 && prepared == null && !closed) {
            prepared = new PreparedStarts(preparedTarget, operations, defaults, defaultsPlan, isolation, namespaces,
                    self);
        }
    }

    /**
     * The workloads this launcher started that still run, oldest first: each leaves the list once its exit is
     * reaped. They show no argv and no environment.
     *
     * <pre>{@code
     * launcher.workloads().size();   // 2, say
     * }</pre>
     *
     * @return a snapshot of the live workloads
     */
    public List<Workload> workloads() {
        return workloads.snapshot();
    }

    /**
     * Kills and reaps the prepared children and gives their leases back. Workloads already started run on, and an
     * isolated workload's lease still goes back once its namespace is empty. Starts after {@code close()} park their
     * own child, as without prepared children. Idempotent.
     */
    @Override
    public void close() {
        PreparedStarts pool;
        synchronized (this) {
            closed = true;
            pool = prepared;
        }
        if (pool != null) {
            pool.close();
        }
    }

    @Override
    public String toString() {
        return "UserNamespaceLauncher[" + (isolation == null ? "defaults=" + defaults : "isolated=" + isolation)
                + ", namespaces=" + namespaces + "]";
    }

    /**
     * Hears every start of a launcher, for meters and traces (the starter observes each start with Micrometer's
     * Observation API and counts prepared hits). Called on the starting thread: keep it quick.
     *
     * <pre>{@code
     * LongAdder hits = new LongAdder();
     * UserNamespaceLauncher launcher = UserNamespaceLauncher.builder(operations)
     *         .prepared(2)
     *         .listener(Listener.preparedResults(result -> { if (result == PreparedResult.HIT) hits.increment(); }))
     *         .listener(starting -> new Launch() {
     *             public void released(Workload workload) { System.out.println("started " + workload.pid()); }
     *         })
     *         .build();
     * }</pre>
     */
    @FunctionalInterface
    public interface Listener {

        /**
         * A start begins, before anything is checked or started.
         *
         * @param launcher the launcher that starts (its namespaces, isolation and prepared children)
         * @return what hears the rest of this start; {@link Launch#NONE} for nothing
         */
        Launch starting(UserNamespaceLauncher launcher);

        /**
         * A listener that hears only whether each start found a prepared child.
         *
         * @param results given {@code HIT} or {@code MISS} for every start of a launcher with prepared children
         * @return the listener
         */
        static Listener preparedResults(Consumer<PreparedResult> results) {
            Objects.requireNonNull(results, "results");
            Launch launch = new Launch() {
                @Override
                public void prepared(PreparedResult result) {
                    results.accept(result);
                }
            };
            return launcher -> launch;
        }
    }

    /**
     * The phases of one start, in order: {@code prepared} (only for a launcher with prepared children), then, when
     * the start parks its own child, {@code parked} and {@code mapped}, then {@code released} once the workload runs;
     * or {@code failed} instead of what is left, with what the start throws. A prepared hit has no {@code parked} or
     * {@code mapped}: its child was parked and mapped before the start. Each method is called on the starting thread;
     * what {@code parked} or {@code mapped} throws kills the child and reaches the caller of {@code start}, what
     * {@code released} throws kills the workload and reaches the caller.
     *
     * <pre>{@code
     * Launch timing = new Launch() {
     *     final long begun = System.nanoTime();
     *     public void released(Workload workload) { record(System.nanoTime() - begun); }
     * };
     * }</pre>
     */
    public interface Launch {

        /** Hears nothing. */
        Launch NONE = new Launch() {
        };

        /**
         * Whether a prepared child was waiting.
         *
         * @param result hit or miss
         */
        default void prepared(PreparedResult result) {
        }

        /**
         * The start's own child is parked in its new namespaces.
         *
         * @param hostPid the child's pid on the host
         */
        default void parked(long hostPid) {
        }

        /**
         * The child's maps are written.
         *
         * @param hostPid the child's pid on the host
         */
        default void mapped(long hostPid) {
        }

        /**
         * The workload runs.
         *
         * @param workload what an operator may see of it
         */
        default void released(Workload workload) {
        }

        /**
         * The start failed; nothing it started is left.
         *
         * @param error what the start throws
         */
        default void failed(Throwable error) {
        }
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
        private boolean deferPreparing;
        private final List<Listener> listeners = new ArrayList<>();

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
         * the default, for none. They start being parked when {@link #build()} returns (or, with
         * {@link #deferPreparing()}, at {@link UserNamespaceLauncher#startPreparing()}), on a thread of their own
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
         * Builds a launcher whose prepared children are not parked until
         * {@link UserNamespaceLauncher#startPreparing()} is called: an
         * application parks them once it is up, not on its start-up path. Starts before that miss.
         *
         * @return this builder
         */
        public Builder deferPreparing() {
            this.deferPreparing = true;
            return this;
        }

        /**
         * Adds a listener that hears every start; none by default. Listeners hear each start in the order they
         * were added.
         *
         * @param listener called on the starting thread
         * @return this builder
         */
        public Builder listener(Listener listener) {
            this.listeners.add(Objects.requireNonNull(listener, "listener"));
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
                return new UserNamespaceLauncher(operations, null, isolation, namespaces, prepared, deferPreparing,
                        listeners);
            }
            return new UserNamespaceLauncher(operations, defaults == null ? MapSetup.rootless() : defaults, null,
                    namespaces, prepared, deferPreparing, listeners);
        }
    }
}
