package dev.linx.user.spring.observation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linx.user.UserNamespaceLauncher;
import dev.linx.user.spring.UserNamespaceAutoConfiguration;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** When the {@code linx.user.launch} observation is auto-configured, and what replaces or turns it off. */
class UserNamespaceObservationAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(UserNamespaceAutoConfiguration.class,
                UserNamespaceObservationAutoConfiguration.class))
        .withBean(TestObservationRegistry.class, TestObservationRegistry::create);

    @Test
    void everyStartOfTheAutoConfiguredLauncherIsObserved() {
        this.runner.run(context -> {
            assertThat(context).hasSingleBean(LaunchObservationListener.class);

            start(context);

            TestObservationRegistryAssert.assertThat(context.getBean(TestObservationRegistry.class))
                .hasSingleObservationThat()
                .hasNameEqualTo("linx.user.launch")
                .hasBeenStopped()
                .hasLowCardinalityKeyValue("outcome", "success");
        });
    }

    @Test
    void nothingIsObservedUntilTheFirstStart() {
        this.runner.run(context -> {
            context.getBean(UserNamespaceLauncher.class);

            TestObservationRegistryAssert.assertThat(context.getBean(TestObservationRegistry.class))
                .doesNotHaveAnyObservation();
        });
    }

    @Test
    void springBootsOwnObservationRegistryIsObservedInto() {
        new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class,
                    UserNamespaceAutoConfiguration.class, UserNamespaceObservationAutoConfiguration.class))
            .run(context -> {
                assertThat(context).hasSingleBean(ObservationRegistry.class);
                assertThat(context).hasSingleBean(LaunchObservationListener.class);
            });
    }

    @Test
    void backsOffWithoutAnObservationRegistry() {
        new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(UserNamespaceAutoConfiguration.class,
                    UserNamespaceObservationAutoConfiguration.class))
            .run(context -> {
                assertThat(context).hasNotFailed();
                assertThat(context).doesNotHaveBean(LaunchObservationListener.class);
            });
    }

    @Test
    void aContextWithoutMicrometerObservationStillStartsAndLaunches() {
        new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class,
                    UserNamespaceAutoConfiguration.class, UserNamespaceObservationAutoConfiguration.class))
            .withClassLoader(new FilteredClassLoader(ObservationRegistry.class))
            .run(context -> {
                assertThat(context).hasNotFailed();
                assertThat(context).doesNotHaveBean(LaunchObservationListener.class);
                start(context);
            });
    }

    @Test
    void backsOffWhenObservationIsDisabled() {
        this.runner.withPropertyValues("linx.user.observation.enabled=false").run(context -> {
            assertThat(context).doesNotHaveBean(LaunchObservationListener.class);

            start(context);

            TestObservationRegistryAssert.assertThat(context.getBean(TestObservationRegistry.class))
                .doesNotHaveAnyObservation();
        });
    }

    @Test
    void backsOffWhenTheStarterIsDisabled() {
        this.runner.withPropertyValues("linx.user.enabled=false")
            .run(context -> assertThat(context).doesNotHaveBean(LaunchObservationListener.class));
    }

    @Test
    void theApplicationsOwnListenerStandsInForTheAutoConfiguredOne() {
        this.runner.withUserConfiguration(OwnListenerConfiguration.class).run(context -> {
            assertThat(context).hasSingleBean(LaunchObservationListener.class);
            assertThat(context).hasBean("ownLaunchObservationListener");

            start(context);

            TestObservationRegistryAssert.assertThat(context.getBean(TestObservationRegistry.class))
                .hasSingleObservationThat()
                .hasNameEqualTo("own.launch");
        });
    }

    @Test
    void aConventionBeanReplacesTheDefaultAndCanAddKeys() {
        this.runner.withUserConfiguration(TenantConventionConfiguration.class).run(context -> {
            start(context);

            TestObservationRegistryAssert.assertThat(context.getBean(TestObservationRegistry.class))
                .hasSingleObservationThat()
                .hasNameEqualTo("sandbox.start")
                .hasLowCardinalityKeyValue("tenant", "blue")
                .hasLowCardinalityKeyValue("namespaces", "user")
                .hasLowCardinalityKeyValue("outcome", "success");
        });
    }

    /** Starts {@code true} through the context's launcher and waits for its exit. */
    private static void start(AssertableApplicationContext context) throws InterruptedException {
        Process workload = context.getBean(UserNamespaceLauncher.class).start(List.of("true"));
        assertThat(workload.waitFor(10, TimeUnit.SECONDS)).as("the workload exits").isTrue();
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnListenerConfiguration {

        @Bean
        LaunchObservationListener ownLaunchObservationListener(ObservationRegistry registry) {
            return new LaunchObservationListener(registry, new DefaultLaunchObservationConvention("own.launch"));
        }
    }

    /** A convention that renames the observation and tags every start with the application's tenant. */
    static class TenantConvention extends DefaultLaunchObservationConvention {

        TenantConvention() {
            super("sandbox.start");
        }

        @Override
        public KeyValues getLowCardinalityKeyValues(LaunchObservationContext context) {
            return super.getLowCardinalityKeyValues(context).and("tenant", "blue");
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class TenantConventionConfiguration {

        @Bean
        LaunchObservationConvention tenantConvention() {
            return new TenantConvention();
        }
    }
}
