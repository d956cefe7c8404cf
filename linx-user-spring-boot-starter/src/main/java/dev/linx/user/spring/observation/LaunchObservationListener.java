package dev.linx.user.spring.observation;

import dev.linx.user.UserNamespaceLauncher;
import dev.linx.user.UserNamespaceLauncher.Launch;
import dev.linx.user.UserNamespaceLauncher.PreparedResult;
import dev.linx.user.Workload;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectFactory;

/**
 * Observes every start of a launcher as {@code linx.user.launch}: started when the start begins, an event at each
 * phase ({@code parked}, {@code mapped}, {@code released}), stopped once the workload runs or with the error the start
 * fails with. With Spring Boot's observation support that is a timer and, with a tracing bridge, a span, a child of
 * the observation current on the starting thread (a request's, say). The auto-configuration adds one to the
 * auto-configured launcher; an application that builds its own launcher adds it itself.
 *
 * <pre>{@code
 * UserNamespaceLauncher launcher = UserNamespaceLauncher.builder(operations)
 *         .listener(new LaunchObservationListener(observationRegistry, null))
 *         .build();
 * }</pre>
 */
public final class LaunchObservationListener implements UserNamespaceLauncher.Listener {

    /** Looked up at the first start: asking for the registry while the launcher bean is made would make it early. */
    private final @Nullable ObjectFactory<ObservationRegistry> lookup;

    private volatile @Nullable ObservationRegistry registry;

    private final LaunchObservationConvention convention;

    /**
     * A listener that reports to {@code registry}.
     *
     * @param registry where the observations go
     * @param convention the names and keys to use; {@code null} for a global convention registered with
     *        {@code registry}, if any, else {@link DefaultLaunchObservationConvention}
     */
    public LaunchObservationListener(ObservationRegistry registry, LaunchObservationConvention convention) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.lookup = null;
        this.convention = convention;
    }

    /**
     * A listener that finds its registry at the first start. The auto-configuration's: Spring Boot's
     * {@code ObservationRegistry} bean brings the meter registry and every observation handler with it, which made
     * while the launcher bean is made cost the start-up path tens of milliseconds more than made in their own order.
     */
    LaunchObservationListener(ObjectFactory<ObservationRegistry> lookup, LaunchObservationConvention convention) {
        this.lookup = lookup;
        this.convention = convention;
    }

    @Override
    public Launch starting(UserNamespaceLauncher launcher) {
        Observation observation = LaunchObservationDocumentation.LAUNCH.start(this.convention, Default.CONVENTION,
                () -> LaunchObservationContext.of(launcher), registry());
        if (observation.isNoop()) {
            return Launch.NONE;
        }
        return new ObservedLaunch(observation, (LaunchObservationContext) observation.getContext());
    }

    private ObservationRegistry registry() {
        ObservationRegistry found = this.registry;
        if (found == null) {
            // Two first starts at once may both look it up: the same singleton either way.
            found = Objects.requireNonNull(this.lookup).getObject();
            this.registry = found;
        }
        return found;
    }

    /** Loaded at the first start, not with the bean: the convention's classes cost start-up nothing. */
    private static final class Default {

        static final LaunchObservationConvention CONVENTION = new DefaultLaunchObservationConvention();
    }

    /**
     * One start's observation. No scope is opened: a scope must be closed on its thread, and a start that another
     * listener breaks off would leave it open there, making every later observation of the thread its child.
     */
    private record ObservedLaunch(Observation observation, LaunchObservationContext context) implements Launch {

        @Override
        public void prepared(PreparedResult result) {
            this.context.setPreparedResult(result);
        }

        @Override
        public void parked(long hostPid) {
            this.observation.event(LaunchObservationDocumentation.Events.PARKED);
        }

        @Override
        public void mapped(long hostPid) {
            this.observation.event(LaunchObservationDocumentation.Events.MAPPED);
        }

        @Override
        public void released(Workload workload) {
            this.context.setWorkload(workload);
            this.observation.event(LaunchObservationDocumentation.Events.RELEASED);
            this.observation.stop();
        }

        @Override
        public void failed(Throwable error) {
            this.observation.error(error);
            this.observation.stop();
        }
    }
}
