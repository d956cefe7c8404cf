package dev.linx.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The kernel rules of docs/errors.md that the other tests do not reach, proven through the library: the initial
 * namespace's fixed files, {@code EACCES} for files the writer may not open, and {@code CAP_SETFCAP} for host uid 0.
 * Needs root, to run probes with less privilege ({@link KernelRulesProbe}).
 */
class KernelRulesTest {

    private static final UserNamespaceOperations OPS = UserNamespaces.operations();
    @RegisterExtension
    static final ProbeJvm.Copied jvm = new ProbeJvm.Copied();

    @BeforeAll
    static void onlyAsRoot() {
        assumeTrue(Kernel.isRoot(), "the probes drop privilege from root");
    }

    @AfterEach
    void nothingIsLeftBehind() {
        Kernel.assertNoChildLeft();
    }

    @Test
    void theMapsOfAProcessOutsideAFreshNamespaceAreFixed() {
        long self = ProcessHandle.current().pid();
        assertThat(Expect.rejection(() -> OPS.setUidMap(self, List.of(IdMapping.of(0, 0, 1)))).errno())
                .isEqualTo(Errno.EPERM);
        assertThat(Expect.rejection(() -> OPS.setGidMap(self, List.of(IdMapping.of(0, 0, 1)))).errno())
                .isEqualTo(Errno.EPERM);
    }

    @Test
    void setgroupsCannotBeDeniedOnceTheGidMapIsWrittenEvenByRoot() {
        UserNamespaceException e = Expect.rejection(() -> OPS.denySetgroups(ProcessHandle.current().pid()));
        assertThat(e.errno()).isEqualTo(Errno.EPERM);
        assertThat(e.operation()).isEqualTo(Operation.DENY_SETGROUPS);
    }

    @Test
    void openingSetgroupsForWritingNeedsCapSysAdminOverTheNamespace() throws Exception {
        assertThat(probe(unprivileged(), "setgroups-of-own-process"))
                .singleElement().asString().startsWith("EACCES DENY_SETGROUPS | ");
    }

    @Test
    void theMapFilesOfAnotherUsersProcessCannotBeOpenedWithoutPrivilege() throws Exception {
        assumeTrue(Kernel.field(1, "Uid").startsWith("0"), "pid 1 runs as root");
        assertThat(probe(unprivileged(), "map-of-another-users-process"))
                .singleElement().asString().startsWith("EACCES SET_UID_MAP | ");
    }

    @Test
    void mappingHostUidZeroNeedsCapSetfcapButHostGidZeroDoesNot() throws Exception {
        assertThat(probe(List.of("setpriv", "--inh-caps=-setfcap", "--bounding-set=-setfcap"), "host-root"))
                .containsExactly("EPERM SET_UID_MAP | mapping host uid 0 needs CAP_SETFCAP over the parent namespace: "
                        + "map another host uid, or keep CAP_SETFCAP", "accepted", "accepted");
    }

    @Test
    void outsideIdsMustBeMappedInTheWritersOwnNamespace() throws Exception {
        // The probe JVM runs in a user namespace of its own that maps only uid 0: it may map 0, not 5.
        assertThat(probe(List.of("unshare", "--user", "--map-root-user"), "outside-ids")).containsExactly(
                "EPERM SET_UID_MAP | outside ids must be mapped in the writer's own namespace, and the target must be in"
                        + " a child of it (the initial namespace's maps are fixed): map only ids this namespace has, into a"
                        + " child it created",
                "accepted");
    }

    private static List<String> unprivileged() {
        return ProbeJvm.as(65534, 65534);
    }

    private static List<String> probe(List<String> privilege, String scenario) throws Exception {
        return jvm.run(privilege, KernelRulesProbe.class, scenario);
    }
}
