package dev.linx.user.spring.actuate;

import dev.linx.user.HostReadiness;
import dev.linx.user.UserNamespaceLauncher;
import dev.linx.user.UserNamespaceOperations;
import dev.linx.user.spring.UserNamespaceAutoConfiguration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configures the {@code userns} actuator endpoint when Spring Boot Actuator is present. Whether it is reachable
 * over HTTP or JMX is up to {@code management.endpoints.*.exposure} and {@code management.endpoint.userns.access},
 * as for every endpoint.
 *
 * <pre>{@code
 * management.endpoints.web.exposure.include=health,userns
 * }</pre>
 */
@AutoConfiguration(after = UserNamespaceAutoConfiguration.class)
// The endpoint condition lives in spring-boot-actuator-autoconfigure, which an application may lack while it has
// spring-boot-actuator: guarded, this class is filtered out before that annotation is ever read.
@ConditionalOnClass(value = Endpoint.class,
        name = "org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint")
@ConditionalOnBooleanProperty(name = "linx.user.enabled", matchIfMissing = true)
@ConditionalOnAvailableEndpoint(UserNamespaceEndpoint.class)
@ConditionalOnBean(UserNamespaceOperations.class)
public final class UserNamespaceEndpointAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    UserNamespaceEndpoint userNamespaceEndpoint(UserNamespaceOperations operations,
            ObjectProvider<UserNamespaceLauncher> launcher) {
        UserNamespaceLauncher available = launcher.getIfAvailable();
        if (available == null) {
            return new UserNamespaceEndpoint(operations, null);
        }
        return new UserNamespaceEndpoint(operations, available, HostReadiness::check);
    }
}
