package dev.linx.user.spring.metrics;

import dev.linx.user.IdPool;
import dev.linx.user.UserNamespaceLauncher;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.function.ToLongFunction;
import org.springframework.beans.factory.ObjectProvider;

/**
 * The {@code linx.user.pool.blocks} gauge of an isolated launcher's pool, tagged {@code state} = {@code leased} or
 * {@code free}: how many blocks of the launcher's size are taken now by any process leasing from the same ids, or by a
 * live namespace, and how many are not. Bound only when the context's launcher is isolated. Each read asks the
 * ledger; one that cannot be read is NaN.
 *
 * <pre>{@code
 * $ curl -s localhost:8080/actuator/prometheus | grep linx_user_pool
 * linx_user_pool_blocks{state="free"} 14.0
 * linx_user_pool_blocks{state="leased"} 2.0
 * }</pre>
 */
final class UserNamespacePoolMetrics implements MeterBinder {

    static final String NAME = "linx.user.pool.blocks";

    private final ObjectProvider<UserNamespaceLauncher> launcher;

    UserNamespacePoolMetrics(ObjectProvider<UserNamespaceLauncher> launcher) {
        this.launcher = launcher;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        UserNamespaceLauncher available = this.launcher.getIfUnique();
        if (available == null) {
            return;
        }
        // No lambda for the common case without isolation: it would be spun on the start-up path for nothing.
        Optional<UserNamespaceLauncher.Isolation> isolation = available.isolation();
        if (isolation.isPresent()) {
            gauge(registry, isolation.get(), "leased", IdPool.Usage::leased);
            gauge(registry, isolation.get(), "free", IdPool.Usage::free);
        }
    }

    private static void gauge(MeterRegistry registry, UserNamespaceLauncher.Isolation isolation, String state,
            ToLongFunction<IdPool.Usage> count) {
        Gauge.builder(NAME, isolation, i -> read(i, count))
            .tag("state", state)
            .description("Blocks of the isolated launcher's id pool, by state")
            .baseUnit("blocks")
            .strongReference(true)
            .register(registry);
    }

    private static double read(UserNamespaceLauncher.Isolation isolation, ToLongFunction<IdPool.Usage> count) {
        try {
            return count.applyAsLong(isolation.pool().usage(isolation.size()));
        }
        catch (UncheckedIOException ex) {
            return Double.NaN;
        }
    }
}
