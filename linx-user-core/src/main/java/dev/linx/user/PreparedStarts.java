package dev.linx.user;

import dev.linx.user.internal.ids.NamespaceRelease;
import dev.linx.user.internal.launch.ParkSpec;
import dev.linx.user.internal.launch.ParkedChild;
import dev.linx.user.internal.launch.RootPlan;
import dev.linx.user.internal.prepared.PreparedChildren;
import dev.linx.user.internal.sys.Credentials;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * The prepared children of one {@link UserNamespaceLauncher}: how each is made (parked with the argv to come, the
 * launcher's maps or a fresh lease's written, the root-inside plan of those maps) and how a start hands one its
 * workload. A child serves one workload and is never handed out again.
 */
final class PreparedStarts implements AutoCloseable {

    /** As {@link ParkedProcess.Builder}'s default: a parked child that is not ready by then has failed. */
    private static final Duration READINESS_TIMEOUT = Duration.ofSeconds(30);

    private final UserNamespaceOperations operations;
    private final MapSetup defaults;
    private final RootPlan defaultsPlan;
    private final UserNamespaceLauncher.Isolation isolation;
    private final Set<Namespace> namespaces;
    private final Credentials self;
    private final PreparedChildren pool;

    /**
     * Starts filling now, on the pool's own thread.
     *
     * @param defaults the maps of every child, or {@code null} with {@code isolation}
     */
    PreparedStarts(int target, UserNamespaceOperations operations, MapSetup defaults, RootPlan defaultsPlan,
            UserNamespaceLauncher.Isolation isolation, Set<Namespace> namespaces, Credentials self) {
        this.operations = operations;
        this.defaults = defaults;
        this.defaultsPlan = defaultsPlan;
        this.isolation = isolation;
        this.namespaces = namespaces;
        this.self = self;
        this.pool = PreparedChildren.start(target, this::prepare);
    }

    /**
     * Takes a waiting child, or {@code null} (a miss: the caller parks one as without prepared children). Checks
     * {@code argv} first, as a cold start checks it before it parks, so that a bad argv costs no child.
     */
    PreparedChildren.Prepared take(List<String> argv) {
        ParkedChild.checkWorkload(argv);
        return pool.take();
    }

    /**
     * Runs the checkpoint on a taken child and releases it into {@code argv}. If the checkpoint or the release fails,
     * the child is killed and reaped, its lease given back, and the failure rethrown.
     */
    Process start(PreparedChildren.Prepared child, List<String> argv, LongConsumer atCheckpoint) {
        Process workload = null;
        try {
            if (atCheckpoint != null) {
                atCheckpoint.accept(child.child().hostPid());
            }
            workload = child.child().proceed(argv);
        } finally {
            if (workload == null) {
                child.discard();
            }
        }
        if (child.held() instanceof IdLease lease) {
            NamespaceRelease.afterExit(workload, namespaces.contains(Namespace.PID), lease.uids(), lease.gids(),
                    lease::close);
        }
        return workload;
    }

    /** How many children the launcher keeps ready, and how many wait now. */
    UserNamespaceLauncher.PreparedStatus status() {
        return new UserNamespaceLauncher.PreparedStatus(pool.target(), pool.ready());
    }

    /** Kills and reaps every waiting child and gives its lease back. */
    @Override
    public void close() {
        pool.close();
    }

    /** Parks one child with its maps written, on the pool's thread; on failure nothing is left, the lease returned. */
    private PreparedChildren.Prepared prepare() {
        IdLease lease = isolation == null ? null : isolation.pool().lease(isolation.size());
        try {
            MapSetup setup = lease == null ? defaults : lease.mapSetup();
            RootPlan plan = lease == null ? defaultsPlan : RootPlan.of(setup, self);
            ParkedChild child = ParkedChild.park(
                    ParkSpec.prepared(namespaces, plan.hostIds(), plan.rootInside(), READINESS_TIMEOUT));
            try {
                operations.setupMaps(child.hostPid(), setup);
            } catch (RuntimeException | Error e) {
                child.close();
                throw e;
            }
            return new PreparedChildren.Prepared(child, lease);
        } catch (RuntimeException | Error e) {
            if (lease != null) {
                lease.close();
            }
            throw e;
        }
    }
}
