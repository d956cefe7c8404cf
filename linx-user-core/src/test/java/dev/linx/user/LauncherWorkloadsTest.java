package dev.linx.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import dev.linx.user.testsupport.LauncherWaits;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link UserNamespaceLauncher#workloads()}: the live workloads of a launcher, against the real kernel. */
@Tag("rootless")
@Timeout(60)
class LauncherWorkloadsTest {

    private static final IdRange UIDS = new IdRange(11_000_000, 2 * 65_536);
    private static final IdRange GIDS = new IdRange(11_000_000, 2 * 65_536);

    private final UserNamespaceOperations ops = UserNamespaces.operations();
    private final List<Process> started = new ArrayList<>();
    private final List<UserNamespaceLauncher> launchers = new ArrayList<>();

    @AfterEach
    void endEveryWorkload() throws Exception {
        for (Process workload : started) {
            workload.destroyForcibly();
            workload.waitFor();
        }
        launchers.forEach(UserNamespaceLauncher::close);
        Kernel.assertNoChildLeft();
    }

    private Process start(UserNamespaceLauncher launcher, String... argv) {
        Process workload = launcher.start(List.of(argv));
        started.add(workload);
        return workload;
    }

    private UserNamespaceLauncher track(UserNamespaceLauncher launcher) {
        launchers.add(launcher);
        return launcher;
    }

    static void awaitNoWorkload(UserNamespaceLauncher launcher) {
        await("every workload gone from " + launcher).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(2))
            .until(() -> launcher.workloads().isEmpty());
    }

    @Test
    void aRunningWorkloadIsListedWithItsPidStartNamespacesAndMaps() {
        UserNamespaceLauncher launcher = new UserNamespaceLauncher(ops, MapSetup.rootless(), Set.of(Namespace.PID));
        Instant before = Instant.now();
        Process workload = start(launcher, "sleep", "60");

        assertThat(launcher.workloads()).singleElement().satisfies(listed -> {
            assertThat(listed.pid()).isEqualTo(workload.pid());
            assertThat(listed.started()).isBetween(before, Instant.now());
            assertThat(listed.namespaces()).containsExactlyInAnyOrder(Namespace.USER, Namespace.PID);
            assertThat(listed.maps()).isEqualTo(MapSetup.rootless());
        });
    }

    @Test
    void aWorkloadLeavesTheListOnceItExits() throws Exception {
        UserNamespaceLauncher launcher = new UserNamespaceLauncher(ops, MapSetup.rootless());
        Process workload = start(launcher, "true");

        assertThat(workload.waitFor(10, TimeUnit.SECONDS)).isTrue();
        awaitNoWorkload(launcher);
    }

    @Test
    void aDestroyedWorkloadLeavesTheList() throws Exception {
        UserNamespaceLauncher launcher = new UserNamespaceLauncher(ops, MapSetup.rootless());
        Process workload = start(launcher, "sleep", "60");
        assertThat(launcher.workloads()).hasSize(1);

        workload.destroyForcibly().waitFor();
        awaitNoWorkload(launcher);
    }

    @Test
    void workloadsAreListedOldestFirst() {
        UserNamespaceLauncher launcher = new UserNamespaceLauncher(ops, MapSetup.rootless());
        Process first = start(launcher, "sleep", "60");
        Process second = start(launcher, "sleep", "60");

        assertThat(launcher.workloads()).extracting(Workload::pid).containsExactly(first.pid(), second.pid());
    }

    @Test
    void aStartThatFailsListsNothing() {
        UserNamespaceLauncher launcher = new UserNamespaceLauncher(ops, MapSetup.rootless());

        try {
            launcher.start(List.of("true"), pid -> {
                throw new IllegalStateException("refused at the checkpoint");
            });
        } catch (IllegalStateException expected) {
            // the child was killed and reaped
        }

        assertThat(launcher.workloads()).isEmpty();
    }

    @Test
    void anIsolatedWorkloadIsListedWithTheMapsOfItsOwnBlock(@TempDir Path ledger) {
        assumeThat(Kernel.isRoot()).as("explicit host ranges need a root JVM").isTrue();
        UserNamespaceLauncher launcher = UserNamespaceLauncher.builder(ops)
                .isolated(IdPool.of(UIDS, GIDS).withLedger(ledger), 65_536).build();
        start(launcher, "sleep", "60");
        start(launcher, "sleep", "60");

        List<Workload> listed = launcher.workloads();

        assertThat(listed).hasSize(2);
        assertThat(listed.get(0).maps().uid().getFirst().outside())
                .isNotEqualTo(listed.get(1).maps().uid().getFirst().outside());
        assertThat(listed).allSatisfy(w -> assertThat(UIDS.contains(w.maps().uid().getFirst().outside())).isTrue());
    }

    @Test
    void aPreparedHitIsListedWithTheLaunchersMaps() throws Exception {
        UserNamespaceLauncher launcher = track(UserNamespaceLauncher.builder(ops).prepared(1).build());
        LauncherWaits.awaitReady(launcher, 1);
        Process workload = start(launcher, "sleep", "60");

        assertThat(launcher.workloads()).singleElement().satisfies(listed -> {
            assertThat(listed.pid()).isEqualTo(workload.pid());
            assertThat(listed.maps()).isEqualTo(MapSetup.rootless());
        });
    }
}
