package dev.linx.user.spring.metrics;

import dev.linx.user.UserNamespaceLauncher;
import dev.linx.user.spring.UserNamespaceAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;

/**
 * Auto-configures the {@code linx.user.rejections} counter and {@code linx.user.operations} timer around every
 * {@link dev.linx.user.UserNamespaceOperations} bean when Micrometer and a {@link MeterRegistry} are present, the
 * {@code linx.user.pool.blocks} gauge when the launcher is isolated, and the {@code linx.user.prepared} counter of
 * prepared hits and misses when {@code linx.user.prepared} is above 0.
 *
 * <pre>{@code
 * $ curl -s localhost:8080/actuator/prometheus | grep linx_user_rejections
 * linx_user_rejections_total{errno="eperm",operation="set_uid_map"} 1.0
 * }</pre>
 */
@AutoConfiguration(after = UserNamespaceAutoConfiguration.class,
        afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBooleanProperty(name = "linx.user.enabled", matchIfMissing = true)
public final class UserNamespaceMetricsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    UserNamespacePoolMetrics userNamespacePoolMetrics(ObjectProvider<UserNamespaceLauncher> launcher) {
        return new UserNamespacePoolMetrics(launcher);
    }

    /** A listener of the auto-configured launcher, which hears every start; bound to the registry as a meter. */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(MeterRegistry.class)
    @Conditional(OnPreparedChildrenCondition.class)
    UserNamespacePreparedMetrics userNamespacePreparedMetrics() {
        return new UserNamespacePreparedMetrics();
    }

    @Bean
    static UserNamespaceOperationsMetricsPostProcessor userNamespaceOperationsMetricsPostProcessor(
            ObjectProvider<MeterRegistry> registry) {
        return new UserNamespaceOperationsMetricsPostProcessor(registry);
    }
}
