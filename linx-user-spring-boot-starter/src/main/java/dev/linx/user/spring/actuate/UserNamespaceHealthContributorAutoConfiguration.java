package dev.linx.user.spring.actuate;

import dev.linx.user.UserNamespaceLauncher;
import dev.linx.user.spring.UserNamespaceAutoConfiguration;
import java.time.Duration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.bind.BindContext;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Auto-configures the {@code userns} health contributor when Spring Boot's health support is present; switch it off
 * with {@code management.health.userns.enabled=false}, and choose how long a probe's result is reused with
 * {@code management.health.userns.probe-interval} (10 s by default).
 *
 * <pre>{@code
 * $ curl localhost:8080/actuator/health/userns
 * }</pre>
 */
@AutoConfiguration(after = UserNamespaceAutoConfiguration.class)
// HealthIndicator and @ConditionalOnEnabledHealthIndicator ship in the same jar (spring-boot-health): one guard is enough.
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBooleanProperty(name = "linx.user.enabled", matchIfMissing = true)
@ConditionalOnEnabledHealthIndicator("userns")
@ConditionalOnBean(UserNamespaceLauncher.class)
public final class UserNamespaceHealthContributorAutoConfiguration {

    private static final String PROBE_INTERVAL = "management.health.userns.probe-interval";

    /** Refuses a negative interval as a binding error, which the starter's failure analysis explains. */
    private static final BindHandler NOT_NEGATIVE = new BindHandler() {

        @Override
        public Object onSuccess(ConfigurationPropertyName name, Bindable<?> target, BindContext context,
                Object result) {
            if (result instanceof Duration duration && duration.isNegative()) {
                throw new IllegalArgumentException("must not be negative");
            }
            return result;
        }
    };

    @Bean
    @ConditionalOnMissingBean(name = "usernsHealthIndicator")
    UserNamespaceHealthIndicator usernsHealthIndicator(UserNamespaceLauncher launcher, Environment environment) {
        // One key bound where it is used, as the enabled switch is read by its condition: no properties bean.
        Duration probeInterval = Binder.get(environment)
            .bind(PROBE_INTERVAL, Bindable.of(Duration.class), NOT_NEGATIVE)
            .orElse(UserNamespaceHealthIndicator.DEFAULT_PROBE_INTERVAL);
        return new UserNamespaceHealthIndicator(launcher, probeInterval);
    }
}
