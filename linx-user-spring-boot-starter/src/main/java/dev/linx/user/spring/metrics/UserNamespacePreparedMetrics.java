package dev.linx.user.spring.metrics;

import dev.linx.user.UserNamespaceLauncher;
import dev.linx.user.UserNamespaceLauncher.PreparedResult;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The {@code linx.user.prepared} counter, tagged {@code result} = {@code hit} (a prepared child was waiting: the start
 * cost one exec) or {@code miss} (none was: the start parked its own child). A listener of the auto-configured
 * launcher, registered only when {@code linx.user.prepared} is above 0.
 *
 * <p>The counts are kept here and read by the registry: a start heard before the registry binds its meters (one made
 * while the context starts) is counted too, and both tags are there, at 0, from the moment the meters are bound.
 *
 * <pre>{@code
 * $ curl -s localhost:8080/actuator/prometheus | grep linx_user_prepared
 * linx_user_prepared_total{result="hit"} 41.0
 * linx_user_prepared_total{result="miss"} 2.0
 * }</pre>
 */
final class UserNamespacePreparedMetrics implements MeterBinder, UserNamespaceLauncher.Listener {

    static final String NAME = "linx.user.prepared";

    /** Held here for the context's life: the registry holds its function counters' counts weakly. */
    private final Map<PreparedResult, LongAdder> counts = new EnumMap<>(PreparedResult.class);

    /** The same for every start: it only counts. */
    private final UserNamespaceLauncher.Launch launch = new UserNamespaceLauncher.Launch() {

        @Override
        public void prepared(PreparedResult result) {
            UserNamespacePreparedMetrics.this.counts.get(result).increment();
        }
    };

    UserNamespacePreparedMetrics() {
        for (PreparedResult result : PreparedResult.values()) {
            this.counts.put(result, new LongAdder());
        }
    }

    @Override
    public UserNamespaceLauncher.Launch starting(UserNamespaceLauncher launcher) {
        return this.launch;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        this.counts.forEach((result, count) -> FunctionCounter.builder(NAME, count, LongAdder::doubleValue)
            .tag("result", result.name().toLowerCase(Locale.ROOT))
            .description("Starts of the launcher with prepared children, by whether one was waiting")
            .register(registry));
    }
}
