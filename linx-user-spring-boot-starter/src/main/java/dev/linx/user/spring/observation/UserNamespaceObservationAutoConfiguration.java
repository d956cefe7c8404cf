package dev.linx.user.spring.observation;

import dev.linx.user.spring.UserNamespaceAutoConfiguration;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configures the {@code linx.user.launch} observation of every start of the auto-configured launcher when
 * Micrometer's Observation API and an {@link ObservationRegistry} bean are present (Spring Boot Actuator brings both).
 * A {@link LaunchObservationConvention} bean replaces the default names and keys; {@code linx.user.observation.enabled=false}
 * turns it off; a {@link LaunchObservationListener} bean of the application's own stands in for this one.
 *
 * <pre>{@code
 * $ curl -s localhost:8080/actuator/prometheus | grep linx_user_launch_seconds_count
 * linx_user_launch_seconds_count{error="none",isolated="false",namespaces="user",outcome="success",prepared="off"} 1
 * }</pre>
 */
@AutoConfiguration(after = UserNamespaceAutoConfiguration.class,
        afterName = "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration")
@ConditionalOnClass(ObservationRegistry.class)
@ConditionalOnBooleanProperty(name = "linx.user.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "linx.user.observation.enabled", matchIfMissing = true)
@ConditionalOnBean(ObservationRegistry.class)
public final class UserNamespaceObservationAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    LaunchObservationListener launchObservationListener(ObjectProvider<ObservationRegistry> registry,
            ObjectProvider<LaunchObservationConvention> convention) {
        return new LaunchObservationListener(registry, convention.getIfAvailable());
    }
}
