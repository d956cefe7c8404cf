package dev.linx.user.spring.actuate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.linx.user.UserNamespaceLauncher;
import dev.linx.user.UserNamespaces;
import dev.linx.user.spring.TestPools;
import dev.linx.user.testsupport.LauncherWaits;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The endpoint's {@code "workloads"}: there with a launcher (empty while none runs), absent without one. */
class UserNamespaceEndpointWorkloadsTest {

    private final ApplicationContextRunner runner = ExposedEndpointRunner.create();

    @TempDir
    Path ledger;

    @Test
    void withoutALauncherThereIsNoWorkloadsPart() {
        UserNamespaceEndpoint endpoint = new UserNamespaceEndpoint(UserNamespaces.operations(), null);

        assertThat(endpoint.userNamespaces().workloads()).isNull();
    }

    @Test
    void aLauncherWithNothingRunningListsNoWorkloads() {
        this.runner.run(context -> assertThat(
                context.getBean(UserNamespaceEndpoint.class).userNamespaces().workloads()).isEmpty());
    }

    @Test
    void eachWorkloadOfAnIsolatedLauncherShowsTheBlockItWasLeased() {
        assumeThat(TestPools.isRoot()).as("root: explicit host ranges").isTrue();
        this.runner.withPropertyValues(TestPools.isolated(TestPools.WORKLOADS, 2, this.ledger)).run(context -> {
            UserNamespaceLauncher launcher = context.getBean(UserNamespaceLauncher.class);
            Process first = launcher.start(List.of("cat"));
            Process second = launcher.start(List.of("cat"));
            try {
                List<UserNamespaceEndpoint.WorkloadDescriptor> workloads = context
                    .getBean(UserNamespaceEndpoint.class)
                    .userNamespaces()
                    .workloads();

                assertThat(workloads).extracting(UserNamespaceEndpoint.WorkloadDescriptor::pid)
                    .containsExactly(first.pid(), second.pid());
                assertThat(workloads).extracting(w -> w.uidMap().getFirst().outside())
                    .containsExactlyInAnyOrder(TestPools.WORKLOADS, TestPools.WORKLOADS + 65_536);
                assertThat(workloads).allSatisfy(w -> {
                    assertThat(w.uidMap()).containsExactly(
                            new UserNamespaceEndpoint.RangeDescriptor(0, w.uidMap().getFirst().outside(), 65_536));
                    assertThat(w.gidMap()).containsExactly(new UserNamespaceEndpoint.RangeDescriptor(0,
                            w.uidMap().getFirst().outside() + TestPools.GID_OFFSET, 65_536));
                });
            }
            finally {
                for (Process workload : List.of(first, second)) {
                    workload.destroyForcibly();
                    workload.waitFor(10, TimeUnit.SECONDS);
                }
                LauncherWaits.awaitGivenBack(launcher);
            }
        });
    }
}
