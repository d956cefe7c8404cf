package dev.linx.user.spring.observation;

import dev.linx.user.Namespace;
import dev.linx.user.UserNamespaceLauncher;
import dev.linx.user.UserNamespaceLauncher.PreparedResult;
import dev.linx.user.Workload;
import io.micrometer.observation.Observation;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What one start of a {@link UserNamespaceLauncher} is observed with: the launcher's namespaces, whether it is
 * isolated and keeps prepared children, then, as the start goes on, whether a prepared child was waiting and the
 * workload once it runs (or the {@linkplain #getError() error} it failed with). A {@link LaunchObservationConvention}
 * turns it into key values. It holds no argv and no environment: they may carry secrets.
 *
 * <pre>{@code
 * class WithSize extends DefaultLaunchObservationConvention {
 *     @Override
 *     public KeyValues getLowCardinalityKeyValues(LaunchObservationContext context) {
 *         return super.getLowCardinalityKeyValues(context)
 *             .and("namespace.count", Integer.toString(context.getNamespaces().size()));
 *     }
 * }
 * }</pre>
 */
public class LaunchObservationContext extends Observation.Context {

    private final Set<Namespace> namespaces;

    private final boolean isolated;

    private final boolean preparedChildren;

    private PreparedResult preparedResult;

    private Workload workload;

    /**
     * The context of one start of a launcher with these properties.
     *
     * @param namespaces the namespaces the workload is started in
     * @param isolated whether each workload gets its own block of host ids
     * @param preparedChildren whether the launcher keeps prepared children
     */
    public LaunchObservationContext(Set<Namespace> namespaces, boolean isolated, boolean preparedChildren) {
        this.namespaces = Set.copyOf(Objects.requireNonNull(namespaces, "namespaces"));
        this.isolated = isolated;
        this.preparedChildren = preparedChildren;
    }

    /**
     * The context of one start of {@code launcher}.
     *
     * @param launcher the launcher that starts
     * @return a context without a prepared result or workload yet
     */
    public static LaunchObservationContext of(UserNamespaceLauncher launcher) {
        return new LaunchObservationContext(launcher.namespaces(), launcher.isolation().isPresent(),
                launcher.prepared().isPresent());
    }

    /**
     * The namespaces the workload is started in.
     *
     * @return the namespaces, {@link Namespace#USER} among them for a real launcher
     */
    public Set<Namespace> getNamespaces() {
        return this.namespaces;
    }

    /**
     * Whether each workload gets its own block of host ids from a pool.
     *
     * @return {@code true} for an isolated launcher
     */
    public boolean isIsolated() {
        return this.isolated;
    }

    /**
     * Whether the launcher keeps prepared children, so that this start finds one waiting or not.
     *
     * @return {@code true} when the launcher was built with prepared children
     */
    public boolean hasPreparedChildren() {
        return this.preparedChildren;
    }

    /**
     * Whether a prepared child was waiting for this start.
     *
     * @return hit or miss; empty for a launcher without prepared children and until the start has asked
     */
    public Optional<PreparedResult> getPreparedResult() {
        return Optional.ofNullable(this.preparedResult);
    }

    /**
     * Records whether a prepared child was waiting.
     *
     * @param preparedResult hit or miss
     */
    public void setPreparedResult(PreparedResult preparedResult) {
        this.preparedResult = Objects.requireNonNull(preparedResult, "preparedResult");
    }

    /**
     * The workload this start released.
     *
     * @return the workload; empty until it runs, and for a start that failed
     */
    public Optional<Workload> getWorkload() {
        return Optional.ofNullable(this.workload);
    }

    /**
     * Records the workload this start released.
     *
     * @param workload the running workload
     */
    public void setWorkload(Workload workload) {
        this.workload = Objects.requireNonNull(workload, "workload");
    }
}
