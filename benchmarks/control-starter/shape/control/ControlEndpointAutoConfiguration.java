package control;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/** The endpoint auto-configuration's shape. */
@AutoConfiguration(after = ControlAutoConfiguration.class)
@ConditionalOnClass(Endpoint.class)
@ConditionalOnBooleanProperty(name = "control.enabled", matchIfMissing = true)
@ConditionalOnAvailableEndpoint(ControlEndpoint.class)
@ConditionalOnBean(ControlOperations.class)
public final class ControlEndpointAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    ControlEndpoint controlEndpoint(ControlOperations operations) {
        return new ControlEndpoint();
    }
}
