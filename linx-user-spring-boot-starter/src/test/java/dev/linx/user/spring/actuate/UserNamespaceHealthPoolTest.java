package dev.linx.user.spring.actuate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.linx.user.IdLease;
import dev.linx.user.UserNamespaceLauncher;
import dev.linx.user.spring.TestPools;
import dev.linx.user.spring.UserNamespaceAutoConfiguration;
import dev.linx.user.testsupport.LauncherWaits;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The {@code userns} health contributor of an isolated launcher: the pool's use in the details; full is not DOWN. */
class UserNamespaceHealthPoolTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(UserNamespaceAutoConfiguration.class,
                UserNamespaceHealthContributorAutoConfiguration.class));

    @TempDir
    Path ledger;

    @BeforeEach
    void onlyRootMapsExplicitRanges() {
        assumeThat(TestPools.isRoot()).as("root: explicit host ranges").isTrue();
    }

    @Test
    void theDetailsShowThePoolsUseAndTheProbeRunsInABlockOfItsOwn() {
        this.runner.withPropertyValues(TestPools.isolated(TestPools.HEALTH, 2, this.ledger)).run(context -> {
            Health health = context.getBean(UserNamespaceHealthIndicator.class).health();

            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails()).containsEntry("exitCode", 0)
                .containsEntry("pool", Map.of("size", 65_536L, "blocks", 2L, "leased", 0L, "free", 2L));
            LauncherWaits.awaitGivenBack(context.getBean(UserNamespaceLauncher.class));
        });
    }

    @Test
    void aFullPoolIsLoadNotDownAndTheProbeIsSkipped() {
        this.runner.withPropertyValues(TestPools.isolated(TestPools.HEALTH, 1, this.ledger)).run(context -> {
            UserNamespaceLauncher launcher = context.getBean(UserNamespaceLauncher.class);
            try (IdLease theOnlyBlock = launcher.isolation().orElseThrow().pool().lease(65_536)) {
                Health health = context.getBean(UserNamespaceHealthIndicator.class).health();

                assertThat(health.getStatus()).isEqualTo(Status.UP);
                assertThat(health.getDetails()).containsEntry("pool",
                        Map.of("size", 65_536L, "blocks", 1L, "leased", 1L, "free", 0L));
                assertThat((String) health.getDetails().get("probe")).startsWith("skipped: every block of the pool");
                assertThat(health.getDetails()).doesNotContainKey("exitCode");
            }
        });
    }

    @Test
    void withoutIsolationTheDetailsHaveNoPool() {
        this.runner.run(context -> {
            Health health = context.getBean(UserNamespaceHealthIndicator.class).health();

            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails()).doesNotContainKey("pool");
        });
    }
}
