package dev.linx.user.spring.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.linx.user.IdLease;
import dev.linx.user.UserNamespaceLauncher;
import dev.linx.user.spring.TestPools;
import dev.linx.user.spring.UserNamespaceAutoConfiguration;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The {@code linx.user.pool.blocks} gauge: an isolated launcher's blocks by state. */
class UserNamespacePoolMetricsTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
                UserNamespaceAutoConfiguration.class, UserNamespaceMetricsAutoConfiguration.class))
        .withBean(SimpleMeterRegistry.class);

    @TempDir
    Path ledger;

    @Test
    void anIsolatedLaunchersBlocksAreGaugedAsLeasedAndFree() {
        assumeThat(TestPools.isRoot()).as("root: explicit host ranges").isTrue();
        this.runner.withPropertyValues(TestPools.isolated(TestPools.METRICS, 4, this.ledger)).run(context -> {
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            assertThat(blocks(registry, "leased")).isZero();
            assertThat(blocks(registry, "free")).isEqualTo(4);

            UserNamespaceLauncher launcher = context.getBean(UserNamespaceLauncher.class);
            try (IdLease lease = launcher.isolation().orElseThrow().pool().lease(65_536)) {
                assertThat(blocks(registry, "leased")).isEqualTo(1);
                assertThat(blocks(registry, "free")).isEqualTo(3);
            }
        });
    }

    @Test
    void theGaugesTagsAreTheStateOnly() {
        assumeThat(TestPools.isRoot()).as("root: explicit host ranges").isTrue();
        this.runner.withPropertyValues(TestPools.isolated(TestPools.METRICS, 1, this.ledger)).run(context -> {
            for (Gauge gauge : context.getBean(MeterRegistry.class).find(UserNamespacePoolMetrics.NAME).gauges()) {
                assertThat(gauge.getId().getTags()).singleElement()
                    .satisfies(tag -> assertThat(tag.getKey()).isEqualTo("state"));
            }
            assertThat(context.getBean(MeterRegistry.class).find(UserNamespacePoolMetrics.NAME).gauges()).hasSize(2);
        });
    }

    @Test
    void withoutIsolationThereIsNoPoolGauge() {
        this.runner.run(context -> assertThat(
                context.getBean(MeterRegistry.class).find(UserNamespacePoolMetrics.NAME).gauges()).isEmpty());
    }

    @Test
    void disabledThereIsNoPoolGauge() {
        this.runner.withPropertyValues("linx.user.enabled=false")
            .run(context -> assertThat(context).doesNotHaveBean(UserNamespacePoolMetrics.class));
    }

    private static double blocks(MeterRegistry registry, String state) {
        return registry.get(UserNamespacePoolMetrics.NAME).tag("state", state).gauge().value();
    }
}
