package control;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/** The health contributor auto-configuration's shape. */
@AutoConfiguration(after = ControlAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBooleanProperty(name = "control.enabled", matchIfMissing = true)
@ConditionalOnEnabledHealthIndicator("control")
@ConditionalOnBean(ControlLauncher.class)
public final class ControlHealthContributorAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "controlHealthIndicator")
    ControlHealthIndicator controlHealthIndicator(ControlLauncher launcher) {
        return new ControlHealthIndicator();
    }
}
