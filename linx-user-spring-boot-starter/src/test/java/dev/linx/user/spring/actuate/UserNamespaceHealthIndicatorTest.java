package dev.linx.user.spring.actuate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linx.user.HostReadiness;
import dev.linx.user.HostReadiness.Check;
import dev.linx.user.HostReadiness.Finding;
import dev.linx.user.HostReadiness.Status;
import dev.linx.user.IdMapping;
import dev.linx.user.MapSetup;
import dev.linx.user.UserNamespaceLauncher;
import dev.linx.user.UserNamespaceOperations;
import dev.linx.user.UserNamespaces;
import java.util.List;
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
        UserNamespaceLauncher launcher = new UserNamespaceLauncher(new WritesUidMapTwice(), MapSetup.rootless());

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
    void reportsTheReadinessSummaryWhenUp() {
        UserNamespaceLauncher launcher = new UserNamespaceLauncher(UserNamespaces.operations(), MapSetup.rootless());

        Health health = new UserNamespaceHealthIndicator(launcher).health(true);

        assertThat(health.getDetails()).containsEntry("readiness", HostReadiness.check().summary());
    }

    /**
     * A misbehaving operations bean that writes the uid map itself before the real setup: the kernel then refuses
     * the second uid_map write (write-once) with a real EPERM.
     */
    static final class WritesUidMapTwice implements UserNamespaceOperations {

        private final UserNamespaceOperations real = UserNamespaces.operations();

        @Override
        public void setupMaps(long pid, MapSetup setup) {
            this.real.setUidMap(pid, List.of(IdMapping.of(0, 0, 1)));
            this.real.setupMaps(pid, setup);
        }

        @Override
        public boolean isSupported() {
            return this.real.isSupported();
        }

        @Override
        public List<IdMapping> readUidMap(long pid) {
            return this.real.readUidMap(pid);
        }

        @Override
        public List<IdMapping> readGidMap(long pid) {
            return this.real.readGidMap(pid);
        }

        @Override
        public dev.linx.user.SetgroupsState readSetgroups(long pid) {
            return this.real.readSetgroups(pid);
        }

        @Override
        public void setUidMap(long pid, List<IdMapping> map) {
            this.real.setUidMap(pid, map);
        }

        @Override
        public void setGidMap(long pid, List<IdMapping> map) {
            this.real.setGidMap(pid, map);
        }

        @Override
        public void denySetgroups(long pid) {
            this.real.denySetgroups(pid);
        }
    }
}
