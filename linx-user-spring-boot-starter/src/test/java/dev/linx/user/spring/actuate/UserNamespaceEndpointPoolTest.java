package dev.linx.user.spring.actuate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.linx.user.IdLease;
import dev.linx.user.IdPool;
import dev.linx.user.IdRange;
import dev.linx.user.spring.TestPools;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The endpoint's {@code "pool"}: an isolated launcher's ranges, block size and use. */
class UserNamespaceEndpointPoolTest {

    private static final long UIDS = TestPools.ENDPOINT;

    private final ApplicationContextRunner runner = ExposedEndpointRunner.create();

    @TempDir
    Path ledger;

    @Test
    void anIsolatedLaunchersPoolIsReportedInsteadOfDefaults() {
        assumeThat(TestPools.isRoot()).as("root: explicit host ranges").isTrue();
        this.runner.withPropertyValues(TestPools.isolated(UIDS, 4, this.ledger)).run(context -> {
            UserNamespaceEndpoint.UserNamespacesDescriptor report = context.getBean(UserNamespaceEndpoint.class)
                .userNamespaces();

            assertThat(report.defaults()).isNull();
            assertThat(report.pool().uids()).isEqualTo(new UserNamespaceEndpoint.IdRangeDescriptor(UIDS, 262_144));
            assertThat(report.pool().gids())
                .isEqualTo(new UserNamespaceEndpoint.IdRangeDescriptor(UIDS + TestPools.GID_OFFSET, 262_144));
            assertThat(report.pool().size()).isEqualTo(65_536);
            assertThat(report.pool().blocks()).isEqualTo(4);
            assertThat(report.pool().leased()).isZero();
            assertThat(report.pool().error()).isNull();
        });
    }

    @Test
    void leasedCountsTheBlocksHeldByAnyoneLeasingFromTheSameIds() {
        assumeThat(TestPools.isRoot()).as("root: explicit host ranges").isTrue();
        this.runner.withPropertyValues(TestPools.isolated(UIDS, 4, this.ledger)).run(context -> {
            UserNamespaceEndpoint endpoint = context.getBean(UserNamespaceEndpoint.class);
            IdPool same = IdPool.of(IdRange.parse(UIDS + ":262144"),
                    IdRange.parse((UIDS + TestPools.GID_OFFSET) + ":262144")).withLedger(this.ledger);
            try (IdLease one = same.lease(65_536); IdLease two = same.lease(65_536)) {
                assertThat(endpoint.userNamespaces().pool().leased()).isEqualTo(2);
            }
            assertThat(endpoint.userNamespaces().pool().leased()).isZero();
        });
    }

    @Test
    void withIsolationDisabledThereIsNoPoolAndTheDefaultsAreReported() {
        this.runner.withPropertyValues("linx.user.isolation.enabled=false").run(context -> {
            UserNamespaceEndpoint.UserNamespacesDescriptor report = context.getBean(UserNamespaceEndpoint.class)
                .userNamespaces();

            assertThat(report.pool()).isNull();
            assertThat(report.defaults()).isNotNull();
        });
    }
}
