package dev.linx.user.spring.actuate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.linx.user.HostReadiness;
import dev.linx.user.HostReadiness.Check;
import dev.linx.user.HostReadiness.Finding;
import dev.linx.user.HostReadiness.Status;
import dev.linx.user.MapSetup;
import dev.linx.user.UserNamespaceLauncher;
import dev.linx.user.UserNamespaceOperations;
import dev.linx.user.UserNamespaces;
import dev.linx.user.spring.ForwardingOperations;
import dev.linx.user.spring.WritesUidMapFirst;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;

class UserNamespaceHealthIndicatorTest {

    @Test
    void upWhenALauncherCanReallyStartAWorkloadWithItsDefaults() {
        UserNamespaceLauncher launcher = new UserNamespaceLauncher(UserNamespaces.operations(), MapSetup.rootless());

        Health health = new UserNamespaceHealthIndicator(launcher).health(true);

        assertThat(health.getStatus()).isEqualTo(org.springframework.boot.health.contributor.Status.UP);
        assertThat(health.getDetails()).containsEntry("probe", "true").containsEntry("exitCode", 0);
    }

    @Test
    void downWithTheFailedStepAndErrnoWhenTheKernelRejectsTheMaps() {
        UserNamespaceLauncher launcher = new UserNamespaceLauncher(new WritesUidMapFirst(), MapSetup.rootless());

        Health health = new UserNamespaceHealthIndicator(launcher).health(true);

        assertThat(health.getStatus()).isEqualTo(org.springframework.boot.health.contributor.Status.DOWN);
        assertThat(health.getDetails()).containsEntry("operation", "set_uid_map").containsEntry("errno", "eperm");
        assertThat((String) health.getDetails().get("path")).endsWith("/uid_map");
    }

    @Test
    void downWithTheFailedFindingAndItsFixWhenTheHostIsNotReady() {
        UserNamespaceLauncher launcher = new UserNamespaceLauncher(UserNamespaces.operations(), MapSetup.rootless());
        HostReadiness notReady = new HostReadiness(List.of(new Finding(Check.MAX_USER_NAMESPACES, Status.FAIL,
                "/proc/sys/user/max_user_namespaces is 0", "sysctl -w user.max_user_namespaces=15000")));

        Health health = new UserNamespaceHealthIndicator(launcher, () -> notReady).health(true);

        assertThat(health.getStatus()).isEqualTo(org.springframework.boot.health.contributor.Status.DOWN);
        assertThat(health.getDetails()).containsEntry("readiness", notReady.summary())
            .containsEntry("max_user_namespaces",
                    "/proc/sys/user/max_user_namespaces is 0 Fix: sysctl -w user.max_user_namespaces=15000")
            .doesNotContainKey("probe");
    }

    @Test
    void downNamingTheCauseAndTheFixInAJvmWhoseOwnIdsHaveNoMapping() throws Exception {
        assumeThat(ProcessHandle.current().info().user()).as("root reads the classpath in place").hasValue("root");
        // unshare --user with no map written: the JVM reads its own uid and gid as the overflow id 65534.
        List<String> lines = SecondJvm.run(List.of("unshare", "--user"), HealthProbe.class);

        assertThat(lines).contains("status DOWN");
        assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("identity the effective uid 65534 and gid"
                + " 65534 of this process have no mapping in its user namespace")
            .contains(" Fix: run the process as a uid and gid that its user namespace maps"));
        assertThat(lines).noneSatisfy(line -> assertThat(line).startsWith("probe "));
    }

    @Test
    void downNamingASeccompFilterAsTheLikelyCauseWhenItRefusesTheProbe() throws Exception {
        // A real filter refusing unshare(2) with EPERM on every thread of a JVM of its own.
        List<String> lines = SecondJvm.run(List.of(), HealthProbe.class, "seccomp");

        assertThat(lines).contains("status DOWN");
        assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("readiness ").contains("warn: seccomp"));
        assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("error ")
            .contains("Operation not permitted (this thread runs under a seccomp filter (Seccomp: 2 (filter)")
            .contains("the likely cause: container profiles such as Docker's and containerd's defaults refuse"
                    + " unshare(2) and clone(2) with CLONE_NEWUSER without CAP_SYS_ADMIN (EPERM)"));
    }

    @Test
    void reportsTheReadinessSummaryWhenUp() {
        UserNamespaceLauncher launcher = new UserNamespaceLauncher(UserNamespaces.operations(), MapSetup.rootless());

        Health health = new UserNamespaceHealthIndicator(launcher).health(true);

        assertThat(health.getDetails()).containsEntry("readiness", HostReadiness.check().summary());
    }

    @Test
    void aCheckWithinTheProbeIntervalReusesTheLastResult() {
        CountingOperations operations = new CountingOperations();
        AtomicLong now = new AtomicLong();
        UserNamespaceHealthIndicator indicator = indicator(operations, () -> now.get());

        Health first = indicator.health();
        now.addAndGet(Duration.ofSeconds(9).toNanos());
        Health second = indicator.health();

        assertThat(operations.probes.get()).isEqualTo(1);
        assertThat(second).isSameAs(first);
    }

    @Test
    void aCheckAfterTheProbeIntervalProbesAgain() {
        CountingOperations operations = new CountingOperations();
        AtomicLong now = new AtomicLong();
        UserNamespaceHealthIndicator indicator = indicator(operations, () -> now.get());

        indicator.health();
        now.addAndGet(Duration.ofSeconds(10).toNanos());
        indicator.health();

        assertThat(operations.probes.get()).isEqualTo(2);
    }

    @Test
    void theReadinessReportIsReusedWithTheProbe() {
        AtomicInteger reports = new AtomicInteger();
        UserNamespaceHealthIndicator indicator = new UserNamespaceHealthIndicator(
                new UserNamespaceLauncher(UserNamespaces.operations(), MapSetup.rootless()), () -> {
                    reports.incrementAndGet();
                    return HostReadiness.check();
                });

        indicator.health();
        indicator.health();

        assertThat(reports.get()).isEqualTo(1);
    }

    @Test
    void aZeroProbeIntervalChecksAtEveryCall() {
        CountingOperations operations = new CountingOperations();
        UserNamespaceLauncher launcher = new UserNamespaceLauncher(operations, MapSetup.rootless());
        UserNamespaceHealthIndicator indicator = new UserNamespaceHealthIndicator(launcher, Duration.ZERO);

        indicator.health();
        indicator.health();

        assertThat(operations.probes.get()).isEqualTo(2);
    }

    @Test
    void aCallerArrivingDuringAProbeGetsThePreviousResult() throws Exception {
        CountingOperations operations = new CountingOperations();
        AtomicLong now = new AtomicLong();
        UserNamespaceHealthIndicator indicator = indicator(operations, () -> now.get());
        Health previous = indicator.health();
        now.addAndGet(Duration.ofSeconds(10).toNanos());
        try (ExecutorService executor = Executors.newSingleThreadExecutor()) {
            try {
                operations.hold();
                Future<Health> probing = executor.submit(() -> indicator.health());
                operations.awaitHeld();

                assertThat(indicator.health()).isSameAs(previous);
                assertThat(probing).isNotDone();
            }
            finally {
                operations.release();
            }
        }
        assertThat(operations.probes.get()).isEqualTo(2);
    }

    @Test
    void aCallerArrivingDuringTheFirstCheckGetsUnknownWithoutWaiting() throws Exception {
        CountingOperations operations = new CountingOperations();
        UserNamespaceHealthIndicator indicator = indicator(operations, System::nanoTime);
        Future<Health> first;
        try (ExecutorService executor = Executors.newSingleThreadExecutor()) {
            try {
                operations.hold();
                first = executor.submit(() -> indicator.health());
                operations.awaitHeld();

                Health meanwhile = indicator.health();

                assertThat(meanwhile.getStatus())
                    .isEqualTo(org.springframework.boot.health.contributor.Status.UNKNOWN);
                assertThat(meanwhile.getDetails()).containsEntry("check", "the first check is still running");
            }
            finally {
                operations.release();
            }
        }
        assertThat(first.get().getStatus()).isEqualTo(org.springframework.boot.health.contributor.Status.UP);
        assertThat(operations.probes.get()).isEqualTo(1);
    }

    @Test
    void anInterruptedCallerGetsDownAndTheNextCallerChecksAgain() throws Exception {
        CountingOperations operations = new CountingOperations();
        UserNamespaceHealthIndicator indicator = indicator(operations, System::nanoTime);
        Thread.currentThread().interrupt();
        Health interrupted;
        try {
            interrupted = indicator.health();
        }
        finally {
            assertThat(Thread.interrupted()).as("the interrupt is kept").isTrue();
        }

        assertThat(interrupted.getStatus()).isEqualTo(org.springframework.boot.health.contributor.Status.DOWN);
        assertThat(indicator.health().getStatus()).as("the interrupted result was not kept")
            .isEqualTo(org.springframework.boot.health.contributor.Status.UP);
    }

    private static UserNamespaceHealthIndicator indicator(UserNamespaceOperations operations, LongSupplier nanoTime) {
        return new UserNamespaceHealthIndicator(new UserNamespaceLauncher(operations, MapSetup.rootless()),
                HostReadiness::check, Duration.ofSeconds(10), nanoTime);
    }

    /**
     * Real operations that count the probes (each launch sets up the maps once) and, when told to, hold a probe in
     * its setup until released.
     */
    static final class CountingOperations extends ForwardingOperations {

        final AtomicInteger probes = new AtomicInteger();

        private volatile @Nullable CountDownLatch held;

        private final CountDownLatch entered = new CountDownLatch(1);

        private final CountDownLatch released = new CountDownLatch(1);

        CountingOperations() {
            super(UserNamespaces.operations());
        }

        void hold() {
            this.held = this.released;
        }

        void awaitHeld() throws InterruptedException {
            assertThat(this.entered.await(10, TimeUnit.SECONDS)).as("a probe reached its setup").isTrue();
        }

        void release() {
            this.released.countDown();
        }

        @Override
        public void setupMaps(long pid, MapSetup setup) {
            this.probes.incrementAndGet();
            CountDownLatch latch = this.held;
            if (latch != null) {
                this.entered.countDown();
                try {
                    latch.await(10, TimeUnit.SECONDS);
                }
                catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            }
            super.setupMaps(pid, setup);
        }
    }
}
