package dev.linx.user.spring.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linx.user.UserNamespaceLauncher;
import dev.linx.user.spring.ParkedChildren;
import dev.linx.user.spring.UserNamespaceAutoConfiguration;
import dev.linx.user.testsupport.LauncherWaits;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The {@code linx.user.prepared} counter: each start of a launcher with prepared children, a hit or a miss. */
@Timeout(120)
class UserNamespacePreparedMetricsTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
                UserNamespaceAutoConfiguration.class, UserNamespaceMetricsAutoConfiguration.class))
        .withBean(SimpleMeterRegistry.class);

    @AfterEach
    void noChildIsLeftOnceTheContextIsClosed() throws InterruptedException {
        ParkedChildren.assertNoneLeft();
    }

    @Test
    void aStartOnceTheApplicationIsReadyIsCountedAsAHit() {
        this.runner.withPropertyValues("linx.user.prepared=1").run(context -> {
            UserNamespaceLauncher launcher = context.getBean(UserNamespaceLauncher.class);
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            ParkedChildren.applicationReady(context);
            LauncherWaits.awaitReady(launcher, 1);

            runTrue(launcher);

            assertThat(count(registry, "hit")).isEqualTo(1);
            assertThat(count(registry, "miss")).isZero();
        });
    }

    @Test
    void aStartBeforeTheApplicationIsReadyIsCountedAsAMiss() {
        this.runner.withPropertyValues("linx.user.prepared=1").run(context -> {
            MeterRegistry registry = context.getBean(MeterRegistry.class);

            runTrue(context.getBean(UserNamespaceLauncher.class));

            assertThat(count(registry, "miss")).isEqualTo(1);
            assertThat(count(registry, "hit")).isZero();
        });
    }

    @Test
    void bothResultsAreThereFromTheStartTaggedByResultOnly() {
        this.runner.withPropertyValues("linx.user.prepared=1").run(context -> {
            List<FunctionCounter> counters = List.copyOf(
                    context.getBean(MeterRegistry.class).find(UserNamespacePreparedMetrics.NAME).functionCounters());

            assertThat(counters).hasSize(2).allSatisfy(counter -> {
                assertThat(counter.getId().getTags()).singleElement()
                    .satisfies(tag -> assertThat(tag.getKey()).isEqualTo("result"));
                assertThat(counter.count()).isZero();
            });
            assertThat(counters).extracting(counter -> counter.getId().getTag("result"))
                .containsExactlyInAnyOrder("hit", "miss");
        });
    }

    @Test
    void noCounterWithoutPreparedChildren() {
        this.runner.run(context -> {
            assertThat(context).doesNotHaveBean(UserNamespacePreparedMetrics.class);
            assertThat(context.getBean(MeterRegistry.class).find(UserNamespacePreparedMetrics.NAME).meters())
                .isEmpty();
        });
    }

    @Test
    void noCounterWhenPreparedIsZero() {
        this.runner.withPropertyValues("linx.user.prepared=0")
            .run(context -> assertThat(context).doesNotHaveBean(UserNamespacePreparedMetrics.class));
    }

    @Test
    void noCounterWithoutAMeterRegistry() {
        new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(UserNamespaceAutoConfiguration.class,
                    UserNamespaceMetricsAutoConfiguration.class))
            .withPropertyValues("linx.user.prepared=1")
            .run(context -> {
                assertThat(context).hasNotFailed().doesNotHaveBean(UserNamespacePreparedMetrics.class);
                assertThat(context.getBean(UserNamespaceLauncher.class).prepared()).isPresent();
            });
    }

    @Test
    void aContextWithoutMicrometerStillKeepsPreparedChildren() {
        new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(UserNamespaceAutoConfiguration.class,
                    UserNamespaceMetricsAutoConfiguration.class))
            .withClassLoader(new FilteredClassLoader(MeterRegistry.class))
            .withPropertyValues("linx.user.prepared=1")
            .run(context -> {
                assertThat(context).hasNotFailed();
                assertThat(context.getBean(UserNamespaceLauncher.class).prepared()).isPresent();
            });
    }

    @Test
    void switchedOffLikeAnyMeterByManagementMetricsEnable() {
        this.runner.withPropertyValues("linx.user.prepared=1", "management.metrics.enable.linx.user.prepared=false")
            .run(context -> assertThat(
                    context.getBean(MeterRegistry.class).find(UserNamespacePreparedMetrics.NAME).meters())
                .isEmpty());
    }

    @Test
    void disabledThereIsNoCounter() {
        this.runner.withPropertyValues("linx.user.enabled=false", "linx.user.prepared=1")
            .run(context -> assertThat(context).doesNotHaveBean(UserNamespacePreparedMetrics.class));
    }

    private static void runTrue(UserNamespaceLauncher launcher) throws InterruptedException {
        Process workload = launcher.start(List.of("true"));
        assertThat(workload.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(workload.exitValue()).isZero();
    }

    private static double count(MeterRegistry registry, String result) {
        return registry.get(UserNamespacePreparedMetrics.NAME).tag("result", result).functionCounter().count();
    }
}
