package dev.linx.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Destroying a workload from an unprivileged JVM whose maps put root inside on a subordinate id: the workload runs as a
 * host uid the JVM neither has nor may take, and is still ended, with or without a PID namespace. The JVM may signal
 * it because it owns the workload's user namespace. Needs root (to create the user) and the uidmap package.
 */
class SubordinateWorkloadDestroyTest {

    private static final long UID = 47_113;
    private static final long SUB_START = 500_000;
    private static TestUser user;
    @RegisterExtension
    static final ProbeJvm.Copied jvm = new ProbeJvm.Copied();

    @BeforeAll
    static void createUser() throws Exception {
        assumeThat(Kernel.isRoot()).as("creating a test user needs root").isTrue();
        assumeThat(Path.of("/usr/bin/newuidmap")).as("uidmap installed (.ci/run installs it)").isExecutable();
        user = TestUser.create("linx-destroy-test", UID, SUB_START + ":65536");
    }

    @AfterAll
    static void removeUser() throws Exception {
        if (user != null) {
            user.close();
        }
    }

    @Test
    void destroyForciblyEndsEveryProcessOfItsPidNamespace() throws Exception {
        assertThat(jvm.run(user.as(), DestroyProbe.class, "pid"))
                .containsExactly("running 2 as host uid " + SUB_START, "waited true exit 137", "left 0");
    }

    @Test
    void destroyForciblyEndsItsProcessGroupWithoutAPidNamespace() throws Exception {
        assertThat(jvm.run(user.as(), DestroyProbe.class, "group"))
                .containsExactly("running 2 as host uid " + SUB_START, "waited true exit 137", "left 0");
    }
}
