package dev.linx.user.spring.actuate;

import dev.linx.user.spring.UserNamespaceAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The starter's core and endpoint auto-configurations, with {@code userns} exposed over the web: where the tests of
 * the endpoint's parts start.
 */
final class ExposedEndpointRunner {

    private ExposedEndpointRunner() {
    }

    static ApplicationContextRunner create() {
        return new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(UserNamespaceAutoConfiguration.class,
                    UserNamespaceEndpointAutoConfiguration.class))
            .withPropertyValues("management.endpoints.web.exposure.include=userns");
    }
}
