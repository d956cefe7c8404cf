package dev.linx.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The rootless flow proven without privilege: each scenario of {@link RootlessProbe} runs in a JVM of its own as uid
 * and gid 65534 with no supplementary groups (through {@code setpriv} when this suite runs as root, or as the
 * current unprivileged user otherwise).
 */
@Tag("rootless")
class RootlessFlowTest {

    private static final long NOBODY = 65534;
    @RegisterExtension
    static final ProbeJvm.Copied jvm = new ProbeJvm.Copied();

    @Test
    void theProbeRunsWithoutPrivilege() throws Exception {
        List<String> lines = probe("identity");
        if (Kernel.isRoot()) {
            assertThat(lines.getFirst()).isEqualTo(NOBODY + " " + NOBODY);
        } else {
            assertThat(lines.getFirst()).isNotEqualTo("0 0");
        }
    }

    @Test
    void anUnprivilegedLauncherRunsTheWorkloadAsRootInside() throws Exception {
        assertThat(probe("launcher")).containsExactly("0 (exit 0)", "children-left 0");
    }

    @Test
    void theManualDanceDenyUidGidGivesRootInside() throws Exception {
        assertThat(probe("manual").getFirst()).startsWith("uid=0(root) gid=0(root)").endsWith("(exit 0)");
    }

    @Test
    void withoutTheSetgroupsDenyTheGidMapIsRefusedWithEperm() throws Exception {
        List<String> lines = probe("gid-without-deny");
        assertThat(lines.getFirst()).startsWith("EPERM SET_GID_MAP 1 | user set_gid_map failed on /proc/")
                .contains("/gid_map: eperm (errno 1) | ")
                .contains("| gid_map from an unprivileged process needs setgroups=deny first");
        assertThat(lines.get(1)).isEqualTo("children-left 0");
    }

    @Test
    void aMultiRangeMapWrittenDirectlyIsRefusedWithEperm() throws Exception {
        assertThat(probe("multi-range").getFirst()).startsWith("EPERM SET_UID_MAP 1 | ")
                .contains("may map only their own effective uid").endsWith("| direct");
    }

    @Test
    void aMultiRangeMapWithoutSubordinateIdsIsRefusedByTheHelperUnderAuto() throws Exception {
        // 65534 has no line in /etc/subuid: AUTO hands the range to newuidmap, which refuses it.
        assumeThat(Files.isExecutable(Path.of("/usr/bin/newuidmap"))).as("newuidmap installed").isTrue();
        assertThat(probe("multi-range-auto").getFirst()).startsWith("EPERM SET_UID_MAP 1 | ")
                .contains("newuidmap maps only the caller's own uid").endsWith("| helper 1");
    }

    @Test
    void mappingAnotherUsersIdIsRefusedAndTheChildIsReaped() throws Exception {
        List<String> lines = probe("other-uid");
        assertThat(lines.getFirst()).startsWith("EPERM SET_UID_MAP 1 | ");
        assertThat(lines.get(1)).isEqualTo("children-left 0");
    }

    @Test
    void aHelperThatFailsBeforeTheCheckpointIsReportedAndLeavesNothingBehind() throws Exception {
        // Without CAP_SETUID, setpriv cannot take another host identity: the helper exits before readiness.
        List<String> lines = probe("host-identity");
        assertThat(lines.getFirst()).startsWith("helper-failed the namespace helper failed before the checkpoint")
                .contains("exit status");
        assertThat(lines.get(1)).isEqualTo("children-left 0");
    }

    private static List<String> probe(String scenario) throws Exception {
        List<String> prefix = Kernel.isRoot() ? ProbeJvm.as(NOBODY, NOBODY) : List.of();
        return jvm.run(prefix, RootlessProbe.class, scenario);
    }
}
