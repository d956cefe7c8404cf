package dev.linx.user;

import static dev.linx.user.Expect.rejection;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The helper strategy's guard around the pid it hands to newuidmap, from this JVM. */
class HelperStrategyTest {

    private final UserNamespaceOperations helper = UserNamespaces.operations(MappingStrategy.HELPER);

    @AfterEach
    void noChildLeft() {
        Kernel.assertNoChildLeft();
    }

    @Test
    void aParkedChildThatDiedIsReportedGoneAndTheHelperNeverRuns() throws Exception {
        assumeThat(Path.of("/usr/bin/newuidmap")).isExecutable();
        try (ParkedProcess child = ParkedProcess.start(List.of("true"), Set.of(Namespace.USER))) {
            long pid = child.hostPid();
            ProcessHandle.of(pid).orElseThrow().destroyForcibly();
            Kernel.awaitGone(pid);
            UserNamespaceException e = rejection(() -> helper.setUidMap(pid, MapSetup.rootless().uid()));
            assertThat(e.errno()).isIn(Errno.ENOENT, Errno.ESRCH);
            assertThat(e.helperFailure()).isEmpty();
            assertThat(e.hint()).hasValueSatisfying(h -> assertThat(h).startsWith("the target process must exist"));
        }
    }

    @Test
    void underTheHelperStrategyEvenRootIsHeldToItsSubordinateRanges() throws Exception {
        // shadow checks root's ranges too; AUTO never sends a privileged caller to the helper for that reason.
        assumeThat(Kernel.isRoot()).isTrue();
        assumeThat(Path.of("/usr/bin/newuidmap")).isExecutable();
        assumeThat(SubordinateIds.current().uids()).isEmpty();
        try (ParkedProcess child = ParkedProcess.start(List.of("true"), Set.of(Namespace.USER))) {
            List<IdMapping> range = List.of(IdMapping.of(0, 100_000, 65_536));
            UserNamespaceException e = rejection(() -> helper.setupMaps(child.hostPid(), MapSetup.of(range, range)));
            assertThat(e.operation()).isEqualTo(Operation.SET_UID_MAP);
            assertThat(e.errno()).isEqualTo(Errno.EPERM);
            assertThat(e.helperFailure()).hasValueSatisfying(h -> {
                assertThat(h.program()).endsWith("/newuidmap");
                assertThat(h.exitStatus()).isEqualTo(1);
                assertThat(h.message()).contains("not allowed");
            });
            assertThat(e.hint()).hasValueSatisfying(h -> assertThat(h)
                    .startsWith("newuidmap maps only the caller's own uid (0) and its ranges in /etc/subuid: root (0)"
                            + " has none, the map asks for 100000..165535"));
        }
    }
}
