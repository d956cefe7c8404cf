package dev.linx.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import dev.linx.user.internal.sys.LibC;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Destroying a launched workload ends every process of it, and {@code waitFor} then returns: with a PID namespace,
 * every process of the namespace, whoever the workload is inside; without one, the workload's process group. Each
 * workload forks background children marked by a token of their own (a {@code sleep} length), so that what is left is
 * found in {@code /proc}, wherever it was reparented to.
 */
@Tag("rootless")
class WorkloadDestroyTest {

    private static final long EUID = LibC.geteuid();
    private static final long EGID = LibC.getegid();

    private final UserNamespaceOperations ops = UserNamespaces.operations();
    /**
     * Half of a sleep length no other process on the host has. The workload's shell doubles it, so that only the
     * sleeps carry the whole length in their command lines, not the shell.
     */
    private final String half = Integer.toString(100_000_000 + ThreadLocalRandom.current().nextInt(900_000_000));
    private final String token = half + half;
    /** Workloads to kill after a test that failed before it ended them. */
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void nothingIsLeftBehind() throws InterruptedException {
        for (Process workload : started) {
            workload.destroyForcibly().waitFor();
        }
        Kernel.assertNoChildLeft();
        awaitNone(token, "processes of the workload left anywhere on the host");
    }

    private Process started(Process workload) {
        started.add(workload);
        return workload;
    }

    /** A shell that starts two background sleeps of {@link #token} seconds, after {@code first}, and waits. */
    private List<String> workload(String first) {
        return List.of("sh", "-c", first + " t=$0$0; sleep $t & sleep $t & wait", half);
    }

    private List<String> forkingWorkload() {
        return workload("");
    }

    @Test
    void destroyForciblyEndsAWorkloadThatIsRootInsideItsPidNamespace() throws Exception {
        var launcher = new UserNamespaceLauncher(ops, MapSetup.rootless(), EnumSet.of(Namespace.PID));
        Process workload = started(launcher.start(forkingWorkload()));
        awaitProcesses(2);
        workload.destroyForcibly();
        assertNamespaceEnded(workload, 128 + 9);
    }

    @Test
    void destroyEndsAWorkloadThatIsRootInsideItsPidNamespace() throws Exception {
        // The shell, pid 1 of the namespace, handles no SIGTERM: the kernel would drop one, so it is killed.
        var launcher = new UserNamespaceLauncher(ops, MapSetup.rootless(), EnumSet.of(Namespace.PID));
        Process workload = started(launcher.start(forkingWorkload()));
        awaitProcesses(2);
        workload.destroy();
        assertNamespaceEnded(workload, 128 + 9);
    }

    @Test
    void destroyLetsAPidOneThatHandlesSigtermEndTheNamespaceItself() throws Exception {
        var launcher = new UserNamespaceLauncher(ops, MapSetup.rootless(), EnumSet.of(Namespace.PID));
        Process workload = started(launcher.start(workload("trap 'echo terminated; exit 3' TERM;")));
        awaitProcesses(2);
        workload.destroy();
        assertNamespaceEnded(workload, 3);
        assertThat(new String(workload.getInputStream().readAllBytes())).isEqualTo("terminated\n");
    }

    @Test
    void destroyForciblyEndsAWorkloadThatIsNotRootInsideItsPidNamespace() throws Exception {
        var asUser1000 = MapSetup.of(List.of(IdMapping.of(1000, EUID, 1)), List.of(IdMapping.of(1000, EGID, 1)));
        var launcher = new UserNamespaceLauncher(ops, asUser1000, EnumSet.of(Namespace.PID));
        Process workload = started(launcher.start(workload("[ \"$(id -u)\" = 1000 ] || exit 9;")));
        awaitProcesses(2);
        workload.destroyForcibly();
        assertNamespaceEnded(workload, 128 + 9);
    }

    @Test
    void destroyForciblyEndsAWorkloadStartedAsAnotherHostUserInItsPidNamespace() throws Exception {
        assumeThat(Kernel.isRoot()).as("starting the child as host uid 1000 needs root").isTrue();
        var launcher = new UserNamespaceLauncher(ops, MapSetup.rootless(1000, 1000), EnumSet.of(Namespace.PID));
        Process workload = started(launcher.start(forkingWorkload()));
        awaitProcesses(2);
        workload.destroyForcibly();
        assertNamespaceEnded(workload, 128 + 9);
    }

    @Test
    void destroyForciblyEndsTheProcessThatProceedReturnedWithItsPidNamespace() throws Exception {
        ParkedProcess child = ParkedProcess.start(forkingWorkload(), EnumSet.of(Namespace.PID, Namespace.MOUNT));
        Process workload;
        try (child) {
            ops.setupMaps(child.hostPid(), MapSetup.rootless());
            workload = started(child.proceed());
        }
        awaitProcesses(2);
        workload.destroyForcibly();
        assertNamespaceEnded(workload, 128 + 9);
    }

    @Test
    void closeBeforeProceedEndsTheParkedChildAndItsHelper() throws Exception {
        ParkedProcess child = ParkedProcess.start(forkingWorkload(), EnumSet.of(Namespace.PID));
        long pid = child.hostPid();
        ops.setupMaps(pid, MapSetup.rootless());
        child.close();
        assertThat(Kernel.exists(pid)).as("the parked child").isFalse();
        assertThat(ProcessHandle.current().children().filter(ProcessHandle::isAlive)).as("unshare").isEmpty();
    }

    @Test
    void destroyForciblyEndsAWorkloadWithoutAPidNamespaceWithTheBackgroundChildrenOfItsProcessGroup()
            throws Exception {
        var launcher = new UserNamespaceLauncher(ops, MapSetup.rootless());
        Process workload = started(launcher.start(forkingWorkload()));
        awaitProcesses(2);
        workload.destroyForcibly();
        assertGroupEnded(workload, 128 + 9);
    }

    @Test
    void destroyEndsAWorkloadWithoutAPidNamespaceWithTheBackgroundChildrenOfItsProcessGroup() throws Exception {
        var launcher = new UserNamespaceLauncher(ops, MapSetup.rootless());
        Process workload = started(launcher.start(forkingWorkload()));
        awaitProcesses(2);
        workload.destroy();
        assertGroupEnded(workload, 128 + 15);
    }

    @Test
    void theWorkloadWithoutAPidNamespaceLeadsItsOwnProcessGroup() throws Exception {
        var launcher = new UserNamespaceLauncher(ops, MapSetup.rootless());
        Process workload = started(launcher.start(List.of("sh", "-c", "sleep $0$0 & wait", half)));
        long sleep = awaitProcesses(1).getFirst();
        try {
            assertThat(statField(workload.pid(), 2)).as("the workload's group").isEqualTo(workload.pid());
            assertThat(statField(sleep, 2)).as("its background child's group").isEqualTo(workload.pid());
            assertThat(statField(ProcessHandle.current().pid(), 2)).as("the JVM's group").isNotEqualTo(workload.pid());
        } finally {
            workload.destroyForcibly().waitFor();
        }
    }

    @Test
    void destroyWithoutAPidNamespaceLeavesAChildThatLeftTheProcessGroup() throws Exception {
        var launcher = new UserNamespaceLauncher(ops, MapSetup.rootless());
        String leaver = half + ".5";
        Process workload = started(launcher.start(List.of("sh", "-c", "setsid sleep $0.5 & sleep $0$0 & wait",
                half)));
        awaitProcesses(1);
        List<Long> left = awaitProcesses(leaver, 1);
        try {
            awaitOwnSession(left.getFirst());
            workload.destroyForcibly();
            assertGroupEnded(workload, 128 + 9);
            assertThat(Kernel.processesWith(leaver)).as("the child in a session of its own").isEqualTo(left);
        } finally {
            for (long pid : left) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
            awaitNone(leaver, "processes of the leaver left");
        }
    }

    /**
     * Once pid 1 of a PID namespace has ended, the kernel has killed the rest before its parent, unshare, sees the
     * exit: when {@code waitFor} returns, nothing of the namespace is left.
     */
    private void assertNamespaceEnded(Process workload, int status) throws Exception {
        assertThat(workload.waitFor(10, TimeUnit.SECONDS)).as("waitFor returned").isTrue();
        assertThat(workload.exitValue()).isEqualTo(status);
        assertThat(Kernel.processesWith(token)).as("processes of the namespace left when waitFor returned").isEmpty();
        assertThat(workload.getErrorStream().readAllBytes()).as("stderr: nothing but the workload's").isEmpty();
    }

    /** The members of a process group die on their own time: the leader may be reaped before the last has gone. */
    private void assertGroupEnded(Process workload, int status) throws InterruptedException {
        assertThat(workload.waitFor(10, TimeUnit.SECONDS)).as("waitFor returned").isTrue();
        assertThat(workload.exitValue()).isEqualTo(status);
        awaitNone(token, "processes of the group left");
    }

    /**
     * Waits until {@code pid} leads a session of its own: {@code setsid} shows its argv from its fork on, but leaves
     * the workload's process group only at its {@code setsid(2)}, a moment later.
     */
    private static void awaitOwnSession(long pid) {
        await(pid + " in a session of its own").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(2))
            .until(() -> Kernel.field(pid, "NSsid").equals(Long.toString(pid)));
    }

    /** Waits (up to 10 s) until {@code count} processes carry the token, and returns their pids. */
    private List<Long> awaitProcesses(int count) {
        return awaitProcesses(token, count);
    }

    private static List<Long> awaitProcesses(String token, int count) {
        List<Long> found = await("the workload's background children").atMost(Duration.ofSeconds(10))
            .pollInterval(Duration.ofMillis(5))
            .until(() -> Kernel.processesWith(token), processes -> processes.size() >= count);
        assertThat(found).as("the workload's background children").hasSize(count);
        return found;
    }

    /**
     * Asserts that no process carries the token within 5 s: without a PID namespace, children killed with their
     * group may still be on their way out when the workload itself is reaped.
     */
    private static void awaitNone(String token, String description) {
        await(description).atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5))
            .untilAsserted(() -> assertThat(Kernel.processesWith(token)).as(description).isEmpty());
    }

    /** A field of {@code /proc/<pid>/stat} counted after the command (0: state, 1: ppid, 2: process group). */
    private static long statField(long pid, int index) throws Exception {
        String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
        return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[index]);
    }
}
