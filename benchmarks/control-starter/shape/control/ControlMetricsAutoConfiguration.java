package control;

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
 * The metrics auto-configuration's shape: a post-processor that wraps the operations bean, and the prepared-children
 * counter behind its condition.
 */
@AutoConfiguration(after = ControlAutoConfiguration.class,
        afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBooleanProperty(name = "control.enabled", matchIfMissing = true)
public final class ControlMetricsAutoConfiguration {

    @Bean
    static ControlMetricsPostProcessor controlMetricsPostProcessor(ObjectProvider<MeterRegistry> registry) {
        return new ControlMetricsPostProcessor();
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(MeterRegistry.class)
    @Conditional(OnControlPreparedCondition.class)
    ControlPreparedMetrics controlPreparedMetrics() {
        return new ControlPreparedMetrics();
    }
}
