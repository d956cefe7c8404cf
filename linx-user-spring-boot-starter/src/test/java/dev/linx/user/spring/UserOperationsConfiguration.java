package dev.linx.user.spring;

import dev.linx.user.UserNamespaceOperations;
import dev.linx.user.UserNamespaces;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * An application's own {@link UserNamespaceOperations} bean, under a name of its own: the auto-configuration must back
 * off and the meters must wrap it. Shared by the auto-configuration tests of the core beans and of the metrics.
 */
@Configuration(proxyBeanMethods = false)
public class UserOperationsConfiguration {

    /** The instance the bean returns, to compare the context's bean (or what it wraps) against. */
    public final UserNamespaceOperations operations = UserNamespaces.operations();

    @Bean
    UserNamespaceOperations myOperations() {
        return this.operations;
    }
}
