package dev.linx.user.spring.actuate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linx.user.MapSetup;
import dev.linx.user.UserNamespaceLauncher;
import dev.linx.user.UserNamespaces;
import dev.linx.user.spring.UserNamespaceAutoConfiguration;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class UserNamespaceHealthContributorAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(UserNamespaceAutoConfiguration.class,
                UserNamespaceHealthContributorAutoConfiguration.class));

    @Test
    void registersTheUsernsHealthIndicator() {
        this.runner.run(context -> assertThat(context).hasSingleBean(UserNamespaceHealthIndicator.class)
            .hasBean("usernsHealthIndicator"));
    }

    @Test
    void reusesAProbesResultForTenSecondsByDefault() {
        this.runner.run(context -> assertThat(context.getBean(UserNamespaceHealthIndicator.class).probeInterval())
            .isEqualTo(Duration.ofSeconds(10)));
    }

    @Test
    void theProbeIntervalIsConfigurable() {
        this.runner.withPropertyValues("management.health.userns.probe-interval=1m")
            .run(context -> assertThat(context.getBean(UserNamespaceHealthIndicator.class).probeInterval())
                .isEqualTo(Duration.ofMinutes(1)));
    }

    @Test
    void aNegativeProbeIntervalStopsStartUp() {
        this.runner.withPropertyValues("management.health.userns.probe-interval=-1s").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessage("must not be negative");
        });
    }

    @Test
    void backsOffWhenTheHealthIndicatorIsDisabled() {
        this.runner.withPropertyValues("management.health.userns.enabled=false")
            .run(context -> assertThat(context).doesNotHaveBean(UserNamespaceHealthIndicator.class));
    }

    @Test
    void backsOffWhenDefaultHealthIndicatorsAreDisabled() {
        this.runner.withPropertyValues("management.health.defaults.enabled=false")
            .run(context -> assertThat(context).doesNotHaveBean(UserNamespaceHealthIndicator.class));
    }

    @Test
    void backsOffWhenLinxUserIsDisabledEvenWithTheApplicationsOwnLauncher() {
        // The core auto-configuration backs off too: the application's own bean keeps the other conditions met.
        this.runner.withPropertyValues("linx.user.enabled=false")
            .withBean(UserNamespaceLauncher.class,
                    () -> new UserNamespaceLauncher(UserNamespaces.operations(), MapSetup.rootless()))
            .run(context -> assertThat(context).hasSingleBean(UserNamespaceLauncher.class)
                .doesNotHaveBean(UserNamespaceHealthIndicator.class));
    }

    @Test
    void aContextWithoutHealthSupportStillStarts() {
        this.runner.withClassLoader(new FilteredClassLoader(HealthIndicator.class)).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(UserNamespaceHealthIndicator.class);
        });
    }

    @Test
    void theApplicationsIndicatorWins() {
        this.runner.withUserConfiguration(UserIndicator.class)
            .run(context -> assertThat(context).doesNotHaveBean(UserNamespaceHealthIndicator.class)
                .hasBean("usernsHealthIndicator"));
    }

    @Configuration(proxyBeanMethods = false)
    static class UserIndicator {

        @Bean
        HealthIndicator usernsHealthIndicator() {
            return () -> org.springframework.boot.health.contributor.Health.up().build();
        }
    }
}
