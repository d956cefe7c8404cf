package dev.linx.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.linx.user.InvalidMappingException.Reason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

/** Park, write the default maps, proceed: the launcher's guarantees, against the real kernel. */
@Tag("rootless")
class UserNamespaceLauncherTest {

    private final UserNamespaceOperations ops = UserNamespaces.operations();

    @AfterEach
    void nothingIsLeftBehind() {
        Kernel.assertNoChildLeft();
    }

    @Test
    void theRootlessDefaultRunsTheWorkloadAsRootInside() throws Exception {
        var launcher = new UserNamespaceLauncher(ops, MapSetup.rootless());
        assertThat(Kernel.output(launcher.start(List.of("id", "-u")))).isEqualTo("0\n");
        assertThat(Kernel.output(launcher.start(List.of("id", "-g")))).isEqualTo("0\n");
    }

    @Test
    void rootInsideHasTheFullCapabilitySetOfItsNamespace() throws Exception {
        var launcher = new UserNamespaceLauncher(ops, MapSetup.rootless());
        String status = Kernel.output(launcher.start(List.of("grep", "^CapEff:", "/proc/self/status")));
        assertThat(status.split("\\s+")[1]).isNotEqualTo("0000000000000000");
    }

    @Test
    void theWorkloadSeesTheDefaultMaps() throws Exception {
        var launcher = new UserNamespaceLauncher(ops, MapSetup.rootless());
        String map = Kernel.output(launcher.start(List.of("cat", "/proc/self/uid_map")));
        assertThat(IdMapping.parse(map)).isEqualTo(MapSetup.rootless().uid().getFirst());
    }

    @Test
    void aPrivilegedJvmMappingRootToAnotherUidStillGetsRootInside() throws Exception {
        assumeThat(Kernel.isRoot()).isTrue();
        var launcher = new UserNamespaceLauncher(ops, MapSetup.rootless(1000, 1000));
        Process workload = launcher.start(List.of("sh", "-c", "id -u; id -g; cat /proc/self/uid_map; sleep 0.2"));
        assertThat(Kernel.field(workload.pid(), "Uid")).as("host uid").startsWith("1000\t");
        String[] lines = Kernel.output(workload).split("\n");
        assertThat(lines[0]).isEqualTo("0");
        assertThat(lines[1]).isEqualTo("0");
        assertThat(IdMapping.parse(lines[2])).isEqualTo(IdMapping.of(0, 1000, 1));
    }

    @Test
    void otherNamespacesAreCreatedOnRequest() throws Exception {
        var launcher = new UserNamespaceLauncher(ops, MapSetup.rootless(), EnumSet.of(Namespace.PID, Namespace.UTS));
        assertThat(launcher.namespaces()).containsExactlyInAnyOrder(Namespace.USER, Namespace.PID, Namespace.UTS);
        assertThat(Kernel.output(launcher.start(List.of("sh", "-c", "hostname linx && hostname && echo $$"))))
                .isEqualTo("linx\n1\n");
    }

    @Test
    void invalidDefaultsAreRefusedWhenTheLauncherIsBuilt() {
        var empty = MapSetup.of(List.of(), List.of(IdMapping.of(0, 0, 1)));
        assertThatThrownBy(() -> new UserNamespaceLauncher(ops, empty))
                .isInstanceOf(InvalidMappingException.class)
                .extracting(e -> ((InvalidMappingException) e).reason()).isEqualTo(Reason.EMPTY_MAP);
    }

    @Test
    void aRejectionAtTheCheckpointKillsTheChildAndIsRethrown() {
        // Operations that write the uid map early: the launcher's own write then meets the kernel's write-once rule.
        List<Long> touched = Collections.synchronizedList(new ArrayList<>());
        UserNamespaceOperations meddling = new DelegatingOperations(ops) {
            @Override
            public void setupMaps(long pid, MapSetup setup) {
                touched.add(pid);
                ops.setUidMap(pid, setup.uid());
                ops.setupMaps(pid, setup);
            }
        };
        var launcher = new UserNamespaceLauncher(meddling, MapSetup.rootless());
        assertThatThrownBy(() -> launcher.start(List.of("true")))
                .isInstanceOf(UserNamespaceException.class)
                .extracting(e -> ((UserNamespaceException) e).operation()).isEqualTo(Operation.SET_UID_MAP);
        assertThat(touched).hasSize(1);
        assertThat(Kernel.exists(touched.getFirst())).as("child killed and reaped").isFalse();
    }

    @Test
    void theCheckpointSeesTheDefaultsWrittenBeforeTheWorkloadRuns() throws Exception {
        var launcher = new UserNamespaceLauncher(ops, MapSetup.rootless());
        List<String> seen = new ArrayList<>();
        Process id = launcher.start(List.of("id", "-u"), pid -> {
            seen.add(ops.readUidMap(pid).toString());
            seen.add(ops.readSetgroups(pid).toString());
        });
        assertThat(seen).containsExactly(MapSetup.rootless().uid().toString(), SetgroupsState.DENY.toString());
        assertThat(Kernel.output(id)).isEqualTo("0\n");
    }

    @Test
    void aPrivilegedJvmsCheckpointSeesTheChildAlreadyUnderTheHostIdsRootInsideMapsTo() throws Exception {
        assumeThat(Kernel.isRoot()).isTrue();
        var launcher = new UserNamespaceLauncher(ops, MapSetup.rootless(1000, 1000));
        List<String> hostUid = new ArrayList<>();
        Process id = launcher.start(List.of("id", "-u"), pid -> hostUid.add(Kernel.field(pid, "Uid")));
        assertThat(hostUid.getFirst()).startsWith("1000\t");
        assertThat(Kernel.output(id)).isEqualTo("0\n");
    }

    @Test
    void aCheckpointThatThrowsKillsAndReapsTheChildAndTheWorkloadNeverRuns() throws Exception {
        var launcher = new UserNamespaceLauncher(ops, MapSetup.rootless());
        List<Long> parked = new ArrayList<>();
        Path marker = Files.createTempFile("linx-checkpoint", "").toAbsolutePath();
        Files.delete(marker);
        assertThatThrownBy(() -> launcher.start(List.of("touch", marker.toString()), pid -> {
            parked.add(pid);
            throw new IllegalStateException("cgroup full");
        })).isInstanceOf(IllegalStateException.class).hasMessage("cgroup full");
        assertThat(Kernel.exists(parked.getFirst())).as("child killed and reaped").isFalse();
        assertThat(marker).doesNotExist();
    }

    @Test
    void parkLeavesTheMapsToTheCaller() throws Exception {
        var launcher = new UserNamespaceLauncher(ops, MapSetup.rootless(), Set.of(Namespace.UTS));
        try (ParkedProcess child = launcher.park(List.of("id", "-u"))) {
            assertThat(ops.readUidMap(child.hostPid())).isEmpty();
            ops.setupMaps(child.hostPid(), MapSetup.rootless());
            assertThat(Kernel.output(child.proceed())).isEqualTo("0\n");
        }
    }

    @Test
    void fiftyChildrenFromFourThreadsAllRunAndNoneIsLeftBehind() throws Exception {
        var launcher = new UserNamespaceLauncher(ops, MapSetup.rootless());
        List<Future<String>> results = new ArrayList<>();
        try (ExecutorService threads = Executors.newFixedThreadPool(4)) {
            for (int i = 0; i < 52; i++) {
                results.add(threads.submit(() -> Kernel.output(launcher.start(List.of("id", "-u")))));
            }
            for (Future<String> result : results) {
                assertThat(result.get()).isEqualTo("0\n");
            }
        }
        assertThat(results).hasSize(52);
    }
}
