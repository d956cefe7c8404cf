package dev.linx.user.spring.actuate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linx.user.MapSetup;
import dev.linx.user.UserNamespaceOperations;
import dev.linx.user.UserNamespaces;
import dev.linx.user.spring.UserNamespaceAutoConfiguration;
import dev.linx.user.spring.UserOperationsConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class UserNamespaceEndpointAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(UserNamespaceAutoConfiguration.class,
                UserNamespaceEndpointAutoConfiguration.class));

    @Test
    void registersTheEndpointWhenExposed() {
        this.runner.withPropertyValues("management.endpoints.web.exposure.include=userns")
            .run(context -> assertThat(context).hasSingleBean(UserNamespaceEndpoint.class));
    }

    @Test
    void registersNoEndpointWhenNotExposed() {
        this.runner.run(context -> assertThat(context).doesNotHaveBean(UserNamespaceEndpoint.class));
    }

    @Test
    void registersNoEndpointWhenAccessIsNone() {
        this.runner
            .withPropertyValues("management.endpoints.web.exposure.include=userns",
                    "management.endpoint.userns.access=NONE")
            .run(context -> assertThat(context).doesNotHaveBean(UserNamespaceEndpoint.class));
    }

    @Test
    void backsOffWhenDisabledEvenWithTheApplicationsOwnOperations() {
        // The core auto-configuration backs off too: the application's own bean keeps the other conditions met.
        this.runner.withPropertyValues("management.endpoints.web.exposure.include=userns", "linx.user.enabled=false")
            .withUserConfiguration(UserOperationsConfiguration.class)
            .run(context -> assertThat(context).hasSingleBean(UserNamespaceOperations.class)
                .doesNotHaveBean(UserNamespaceEndpoint.class));
    }

    @Test
    void aContextWithoutActuatorStillStarts() {
        this.runner.withClassLoader(new FilteredClassLoader(Endpoint.class))
            .withPropertyValues("management.endpoints.web.exposure.include=userns")
            .run(context -> {
                assertThat(context).hasNotFailed();
                assertThat(context).doesNotHaveBean(UserNamespaceEndpoint.class);
            });
    }

    @Test
    void aContextWithActuatorButWithoutItsAutoConfigurationStillStartsWithoutTheEndpoint() {
        this.runner.withClassLoader(new FilteredClassLoader(ConditionalOnAvailableEndpoint.class))
            .withPropertyValues("management.endpoints.web.exposure.include=userns")
            .run(context -> {
                assertThat(context).hasNotFailed();
                assertThat(context).doesNotHaveBean(UserNamespaceEndpoint.class);
            });
    }

    @Test
    void theApplicationsEndpointBeanWins() {
        this.runner.withPropertyValues("management.endpoints.web.exposure.include=userns")
            .withUserConfiguration(UserEndpoint.class)
            .run(context -> assertThat(context).getBean(UserNamespaceEndpoint.class)
                .isSameAs(context.getBean(UserEndpoint.class).endpoint));
    }

    @Test
    void theEndpointReportsTheLaunchersDefaults() {
        this.runner.withPropertyValues("management.endpoints.web.exposure.include=userns",
                "linx.user.uid-map=0:1000:1", "linx.user.setgroups=skip")
            .run(context -> {
                UserNamespaceEndpoint.DefaultsDescriptor defaults = context.getBean(UserNamespaceEndpoint.class)
                    .userNamespaces()
                    .defaults();
                assertThat(defaults.uidMap()).containsExactly(new UserNamespaceEndpoint.RangeDescriptor(0, 1000, 1));
                assertThat(defaults.setgroups()).isEqualTo("skip");
            });
    }

    @Configuration(proxyBeanMethods = false)
    static class UserEndpoint {

        final UserNamespaceEndpoint endpoint = new UserNamespaceEndpoint(UserNamespaces.operations(),
                MapSetup.rootless());

        @Bean
        UserNamespaceEndpoint myEndpoint() {
            return this.endpoint;
        }
    }
}
