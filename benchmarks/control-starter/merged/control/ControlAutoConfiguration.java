package control;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.ConfigurationPropertiesBinding;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

/**
 * The same beans and conditions as the {@code shape} variant in one auto-configuration, the optional concerns in
 * nested configurations: what fewer auto-configuration classes would save.
 */
@AutoConfiguration(
        afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnBooleanProperty(name = "control.enabled", matchIfMissing = true)
@Conditional(OnControlSupportCondition.class)
@EnableConfigurationProperties(ControlProperties.class)
public final class ControlAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    ControlOperations controlOperations(ControlProperties properties) {
        return new ControlOperations();
    }

    @Bean
    @ConditionalOnMissingBean
    ControlLauncher controlLauncher(ControlOperations operations, ControlProperties properties) {
        return new ControlLauncher(operations);
    }

    @Bean
    @ConfigurationPropertiesBinding
    static ControlConverter controlConverter() {
        return new ControlConverter();
    }

    @Bean
    static ControlReadyListener controlReadyListener() {
        return new ControlReadyListener();
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(Endpoint.class)
    @ConditionalOnAvailableEndpoint(ControlEndpoint.class)
    static class EndpointConfiguration {

        @Bean
        @ConditionalOnMissingBean
        ControlEndpoint controlEndpoint(ControlOperations operations) {
            return new ControlEndpoint();
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthIndicator.class)
    @ConditionalOnEnabledHealthIndicator("control")
    static class HealthConfiguration {

        @Bean
        @ConditionalOnMissingBean(name = "controlHealthIndicator")
        ControlHealthIndicator controlHealthIndicator(ControlLauncher launcher) {
            return new ControlHealthIndicator();
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterRegistry.class)
    static class MetricsConfiguration {

        @Bean
        static ControlMetricsPostProcessor controlMetricsPostProcessor(ObjectProvider<MeterRegistry> registry) {
            return new ControlMetricsPostProcessor();
        }
    }
}
