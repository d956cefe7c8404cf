package dev.linx.user.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.linx.user.IdRange;
import dev.linx.user.SubordinateIds;
import dev.linx.user.UserNamespaceLauncher;
import dev.linx.user.testsupport.LauncherWaits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** {@code linx.user.isolation.*}: the auto-configured launcher leases every workload its own block. */
class UserNamespaceIsolationAutoConfigurationTest {

    private static final long UIDS = TestPools.AUTO_CONFIGURATION;

    private static final long GIDS = UIDS + TestPools.GID_OFFSET;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(UserNamespaceAutoConfiguration.class));

    @TempDir
    Path ledger;

    @BeforeEach
    void onlyRootMapsExplicitRanges() {
        assumeThat(TestPools.isRoot()).as("root: explicit host ranges").isTrue();
    }

    private ApplicationContextRunner isolated(int blocks) {
        return this.runner.withPropertyValues(TestPools.isolated(UIDS, blocks, this.ledger));
    }

    @Test
    void isolationIsOffByDefault() {
        this.runner.run(context -> assertThat(context.getBean(UserNamespaceLauncher.class).isolation()).isEmpty());
    }

    @Test
    void enabledTheLauncherLeasesFromTheConfiguredRangesInBlocksOf65536() {
        isolated(4).run(context -> {
            UserNamespaceLauncher.Isolation isolation = context.getBean(UserNamespaceLauncher.class)
                .isolation()
                .orElseThrow();
            assertThat(isolation.size()).isEqualTo(65_536);
            assertThat(isolation.pool().uids()).isEqualTo(new IdRange(UIDS, 4 * 65_536));
            assertThat(isolation.pool().gids()).isEqualTo(new IdRange(GIDS, 4 * 65_536));
            assertThat(isolation.pool().ledger()).isEqualTo(this.ledger);
        });
    }

    @Test
    void theSizeIsConfigurable() {
        isolated(1).withPropertyValues("linx.user.isolation.size=1024")
            .run(context -> assertThat(context.getBean(UserNamespaceLauncher.class).isolation().orElseThrow().size())
                .isEqualTo(1024));
    }

    @Test
    void twoWorkloadsRunningAtOnceAreRootInsideOnDisjointBlocksOfThePool() {
        isolated(4).run(context -> {
            UserNamespaceLauncher launcher = context.getBean(UserNamespaceLauncher.class);
            List<Long> hostUids = new ArrayList<>();
            List<Process> workloads = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    // Both sleep while the other starts: their blocks are leased at the same time.
                    workloads.add(launcher.start(List.of("sh", "-c", "id -u; sleep 1"),
                            pid -> hostUids.add(hostUid(pid))));
                }
                for (Process workload : workloads) {
                    String inside = new String(workload.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    assertThat(workload.waitFor(10, TimeUnit.SECONDS)).isTrue();
                    assertThat(inside.strip()).isEqualTo("0");
                }
            }
            finally {
                workloads.forEach(Process::destroyForcibly);
            }
            LauncherWaits.awaitGivenBack(launcher);
            IdRange pool = new IdRange(UIDS, 4 * 65_536);
            assertThat(hostUids).hasSize(2).doesNotHaveDuplicates().allSatisfy(uid -> {
                assertThat(pool.contains(uid)).as("%d in %s", uid, pool).isTrue();
                assertThat((uid - UIDS) % 65_536).isZero();
            });
        });
    }

    @Test
    void theContextClosesTheLauncher() {
        isolated(1).run(context -> assertThat(context.getBeanFactory()
            .getBeanDefinition("userNamespaceLauncher")
            .getDestroyMethodName()).isEqualTo("close"));
    }

    @Test
    void aSizeThatIsNeitherAPowerOfTwoNorAMultipleOf65536StopsStartUp() {
        isolated(1).withPropertyValues("linx.user.isolation.size=1000").run(context -> {
            FailureAnalysis analysis = failure(context);
            assertThat(analysis.getDescription()).startsWith("Invalid value for 'linx.user.isolation.size': 1000")
                .contains("power of two");
            assertThat(analysis.getAction()).contains("linx.user.isolation.size").contains("multiple of 65536");
        });
    }

    @Test
    void aSizeLargerThanThePoolStopsStartUpNamingThePoolsRanges() {
        isolated(1).withPropertyValues("linx.user.isolation.size=131072").run(context -> {
            FailureAnalysis analysis = failure(context);
            assertThat(analysis.getDescription()).startsWith("Invalid value for 'linx.user.isolation.size': 131072")
                .contains("larger than the pool");
            assertThat(analysis.getAction()).contains("65536 ids");
        });
    }

    @Test
    void aRangeThatOverflowsStopsStartUp() {
        isolated(1).withPropertyValues("linx.user.isolation.uids=4294967000:65536").run(context -> {
            FailureAnalysis analysis = failure(context);
            assertThat(analysis.getDescription())
                .startsWith("Invalid value for 'linx.user.isolation.uids': 4294967000:65536")
                .contains("BAD_ENTRY");
            assertThat(analysis.getAction()).contains("'start:count'").contains("4294967295");
        });
    }

    @Test
    void aRangeThatIsNotStartColonCountStopsStartUp() {
        isolated(1).withPropertyValues("linx.user.isolation.gids=5500000-5565535").run(context -> {
            FailureAnalysis analysis = failure(context);
            assertThat(analysis.getDescription())
                .startsWith("Invalid value for 'linx.user.isolation.gids': 5500000-5565535")
                .contains("expected 'start:count'");
        });
    }

    @Test
    void uidsWithoutGidsStopStartUpNamingTheMissingOne() {
        this.runner
            .withPropertyValues("linx.user.isolation.enabled=true", "linx.user.isolation.uids=" + UIDS + ":65536")
            .run(context -> {
                FailureAnalysis analysis = failure(context);
                assertThat(analysis.getDescription()).startsWith("Invalid value for 'linx.user.isolation.gids'")
                    .contains("linx.user.isolation.uids is set (" + UIDS + ":65536)");
                assertThat(analysis.getAction()).contains("Set linx.user.isolation.gids too");
            });
    }

    @Test
    void withoutRangesAndWithoutSubordinateIdsStartUpStopsWithTheFix() {
        assumeThat(SubordinateIds.current().uids()).as("no /etc/subuid range for this user").isEmpty();
        this.runner.withPropertyValues("linx.user.isolation.enabled=true").run(context -> {
            FailureAnalysis analysis = failure(context);
            assertThat(analysis.getDescription()).startsWith("Invalid value for 'linx.user.isolation.uids'")
                .contains("has no subordinate uid range in /etc/subuid");
            assertThat(analysis.getAction()).contains("usermod --add-subuids")
                .contains("set linx.user.isolation.uids and linx.user.isolation.gids")
                .contains("linx.user.isolation.enabled=false");
        });
    }

    @Test
    void aSharedUidMapIsRefusedRatherThanIgnored() {
        isolated(1).withPropertyValues("linx.user.uid-map=0:1000:1").run(context -> {
            FailureAnalysis analysis = failure(context);
            assertThat(analysis.getDescription()).startsWith("Invalid value for 'linx.user.uid-map': [0:1000:1]")
                .contains("not used with linx.user.isolation.enabled=true");
            assertThat(analysis.getAction()).contains("Remove linx.user.uid-map");
        });
    }

    @Test
    void setgroupsSkipIsRefusedRatherThanIgnored() {
        isolated(1).withPropertyValues("linx.user.setgroups=skip")
            .run(context -> assertThat(failure(context).getDescription())
                .startsWith("Invalid value for 'linx.user.setgroups': skip"));
    }

    @Test
    void aLedgerOthersMayWriteStopsStartUp() throws Exception {
        Path shared = Files.createDirectory(this.ledger.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        isolated(1).withPropertyValues("linx.user.isolation.ledger=" + shared).run(context -> {
            FailureAnalysis analysis = failure(context);
            assertThat(analysis.getDescription()).startsWith("Invalid value for 'linx.user.isolation.ledger': " + shared)
                .contains("writable by nobody else");
            assertThat(analysis.getAction()).contains("no one else may write");
        });
    }

    @Test
    void anEnabledValueOtherThanTrueOrFalseStopsStartUp() {
        this.runner.withPropertyValues("linx.user.isolation.enabled=yes please").run(context -> {
            FailureAnalysis analysis = failure(context);
            assertThat(analysis.getDescription()).startsWith("Invalid value for 'linx.user.isolation.enabled'");
            assertThat(analysis.getAction()).contains("'true' or 'false'");
        });
    }

    @Test
    void disabledIgnoresTheOtherIsolationKeys() {
        this.runner.withPropertyValues("linx.user.isolation.size=1000", "linx.user.isolation.uids=" + UIDS + ":1")
            .run(context -> assertThat(context.getBean(UserNamespaceLauncher.class).isolation()).isEmpty());
    }

    @Test
    void theLeaseGoesBackOnceTheWorkloadHasExited() {
        isolated(1).run(context -> {
            UserNamespaceLauncher launcher = context.getBean(UserNamespaceLauncher.class);
            assertThat(launcher.start(List.of("true")).waitFor(10, TimeUnit.SECONDS)).isTrue();
            LauncherWaits.awaitGivenBack(launcher);
        });
    }

    private static FailureAnalysis failure(AssertableApplicationContext context) {
        assertThat(context).hasFailed();
        FailureAnalysis analysis = new UserNamespacePropertiesFailureAnalyzer().analyze(context.getStartupFailure());
        assertThat(analysis).as("analysis of %s", context.getStartupFailure()).isNotNull();
        return analysis;
    }

    private static long hostUid(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("Uid:")) {
                    return Long.parseLong(line.substring(4).strip().split("\\s+")[0]);
                }
            }
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        throw new IllegalStateException("no Uid line");
    }
}
