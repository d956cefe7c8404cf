package control;

import io.micrometer.observation.ObservationRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/** The observation auto-configuration's shape: one listener bean holding the registry and a convention. */
@AutoConfiguration(after = ControlAutoConfiguration.class,
        afterName = "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration")
@ConditionalOnClass(ObservationRegistry.class)
@ConditionalOnBooleanProperty(name = "control.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "control.observation.enabled", matchIfMissing = true)
@ConditionalOnBean(ObservationRegistry.class)
public final class ControlObservationAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    ControlObservationListener controlObservationListener(ObjectProvider<ObservationRegistry> registry,
            ObjectProvider<ControlConvention> convention) {
        return new ControlObservationListener(registry, convention.getIfAvailable());
    }
}
