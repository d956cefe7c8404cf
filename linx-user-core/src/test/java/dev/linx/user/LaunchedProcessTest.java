package dev.linx.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedWriter;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@link Process} of a launched workload answers every method as a JDK process does, before its exit and after it
 * has exited and been reaped, with and without a PID namespace: no method throws for having come too late, and its
 * handle never names another process.
 */
@Tag("rootless")
class LaunchedProcessTest {

    private static final long SELF = ProcessHandle.current().pid();

    private final UserNamespaceOperations ops = UserNamespaces.operations();
    /** A sleep length that marks the workload's background child in {@code /proc}. */
    private final String sleep = Integer.toString(100_000_000 + ThreadLocalRandom.current().nextInt(900_000_000));

    @AfterEach
    void nothingIsLeftBehind() {
        Kernel.assertNoChildLeft();
    }

    /** A workload with a background child that waits for a line on stdin, then ends the child and echoes the line. */
    private Process start(boolean pidNamespace) {
        Set<Namespace> namespaces = pidNamespace ? EnumSet.of(Namespace.PID) : Set.of(Namespace.USER);
        var launcher = new UserNamespaceLauncher(ops, MapSetup.rootless(), namespaces);
        return launcher.start(List.of("sh", "-c", "sleep $0$0 & read line; kill $!; echo \"got $line\"", sleep));
    }

    @ParameterizedTest(name = "PID namespace: {0}")
    @ValueSource(booleans = {false, true})
    void whileTheWorkloadRunsEveryMethodAnswersAsForARunningProcess(boolean pidNamespace) throws Exception {
        Process workload = start(pidNamespace);
        try {
            long child = awaitChild();
            assertThat(workload.isAlive()).isTrue();
            assertThat(workload.pid()).isPositive();
            assertThatThrownBy(workload::exitValue).isInstanceOf(IllegalThreadStateException.class);
            assertThat(workload.waitFor(10, TimeUnit.MILLISECONDS)).isFalse();
            assertThat(workload.waitFor(Duration.ofMillis(10))).isFalse();
            assertThat(workload.onExit()).isNotDone();
            assertThat(workload.supportsNormalTermination()).isTrue();
            assertThat(workload.info().command()).isPresent();
            assertThat(workload.info().startInstant()).isPresent();
            assertThat(workload.children()).isNotEmpty();
            assertThat(workload.descendants().map(ProcessHandle::pid)).contains(child);
            assertThat(workload.toString()).contains("alive");

            ProcessHandle handle = workload.toHandle();
            assertThat(handle.pid()).isEqualTo(workload.pid());
            assertThat(handle.isAlive()).isTrue();
            assertThat(handle.parent().map(ProcessHandle::pid)).contains(SELF);
            assertThat(handle.info().command()).isEqualTo(workload.info().command());
            assertThat(handle.descendants().map(ProcessHandle::pid)).contains(child);
            assertThat(handle.onExit()).isNotDone();
            assertThat(handle.supportsNormalTermination()).isTrue();
            assertThat(handle).isEqualTo(workload.toHandle()).hasSameHashCodeAs(workload.toHandle())
                    .isNotEqualTo(ProcessHandle.current());
            assertThat(handle.compareTo(workload.toHandle())).isZero();
            assertThat(handle).hasToString(Long.toString(workload.pid()));
        } finally {
            workload.destroyForcibly().waitFor();
        }
    }

    @ParameterizedTest(name = "PID namespace: {0}")
    @ValueSource(booleans = {false, true})
    void onceTheWorkloadHasExitedAndBeenReapedEveryMethodAnswersAsForAnExitedProcess(boolean pidNamespace)
            throws Exception {
        // Nothing asked before the exit: the first toHandle(), info() and descendants() come after the reap.
        Process workload = start(pidNamespace);
        awaitChild();
        finish(workload);

        assertThat(workload.isAlive()).isFalse();
        assertThat(workload.exitValue()).isZero();
        assertThat(workload.waitFor(1, TimeUnit.MILLISECONDS)).isTrue();
        assertThat(workload.waitFor(Duration.ZERO)).isTrue();
        assertThat(workload.onExit().get(10, TimeUnit.SECONDS)).isSameAs(workload);
        assertThat(workload.supportsNormalTermination()).isTrue();
        assertNoInfo(workload.info());
        assertThat(workload.children()).isEmpty();
        assertThat(workload.descendants()).isEmpty();
        workload.destroy();
        workload.destroyForcibly();
        assertThat(workload.exitValue()).as("unchanged by a late destroy").isZero();
        assertThat(workload.errorReader().readLine()).isNull();
        assertThat(workload.toString()).contains("exitValue=0");

        assertExited(workload.toHandle(), workload);
    }

    @ParameterizedTest(name = "PID namespace: {0}")
    @ValueSource(booleans = {false, true})
    void aHandleTakenWhileTheWorkloadRanIsTheHandleOfTheExitedProcessAfterwards(boolean pidNamespace)
            throws Exception {
        Process workload = start(pidNamespace);
        ProcessHandle before = workload.toHandle();
        awaitChild();
        finish(workload);
        assertThat(workload.toHandle()).isEqualTo(before);
        assertExited(before, workload);
    }

    private static void assertExited(ProcessHandle handle, Process workload) throws Exception {
        assertThat(handle.pid()).isEqualTo(workload.pid());
        assertThat(handle.isAlive()).isFalse();
        assertNoInfo(handle.info());
        assertThat(handle.parent()).isEmpty();
        assertThat(handle.children()).isEmpty();
        assertThat(handle.descendants()).isEmpty();
        assertThat(handle.destroy()).isFalse();
        assertThat(handle.destroyForcibly()).isFalse();
        assertThat(handle.supportsNormalTermination()).isTrue();
        assertThat(handle.onExit().get(10, TimeUnit.SECONDS)).isEqualTo(handle);
    }

    /** Sends the line the workload waits for, reads its answer, and waits until it is reaped. */
    private static void finish(Process workload) throws Exception {
        try (BufferedWriter stdin = workload.outputWriter()) {
            stdin.write("hello\n");
        }
        assertThat(workload.inputReader().readLine()).isEqualTo("got hello");
        assertThat(workload.waitFor()).isZero();
        Kernel.awaitGone(workload.pid());
    }

    @Test
    void aHandleFirstTakenWhileAnotherProcessHoldsTheExitedWorkloadsPidNeverNamesThatProcess() throws Exception {
        assumeThat(Kernel.isRoot()).as("steering the next pid through ns_last_pid needs root").isTrue();
        Process workload = new UserNamespaceLauncher(ops, MapSetup.rootless()).start(List.of("true"));
        assertThat(workload.waitFor()).isZero();
        Kernel.awaitGone(workload.pid());
        try (Kernel.Impostor impostor = Kernel.startOnPid(workload.pid())) {
            ProcessHandle handle = workload.toHandle();
            assertThat(handle.isAlive()).isFalse();
            assertNoInfo(handle.info());
            assertNoInfo(workload.info());
            assertThat(handle.parent()).isEmpty();
            assertThat(workload.descendants()).isEmpty();
            assertThat(handle.destroyForcibly()).isFalse();
            workload.destroyForcibly();
            UserNamespaceException e = Expect.rejection(() -> ops.readUidMap(handle));
            assertThat(e.errno()).isEqualTo(Errno.ESRCH);
            assertThat(ProcessHandle.of(impostor.pid())).as("the impostor, untouched").isPresent();
        }
    }

    @Test
    void theVerbsReachARunningWorkloadThroughItsHandle() throws Exception {
        Process workload = start(false);
        try {
            assertThat(ops.readUidMap(workload.toHandle())).isEqualTo(MapSetup.rootless().uid());
        } finally {
            workload.destroyForcibly().waitFor();
        }
    }

    private static void assertNoInfo(ProcessHandle.Info info) {
        assertThat(info.command()).isEmpty();
        assertThat(info.commandLine()).isEmpty();
        assertThat(info.arguments()).isEmpty();
        assertThat(info.startInstant()).isEmpty();
        assertThat(info.totalCpuDuration()).isEmpty();
        assertThat(info.user()).isEmpty();
    }

    /** Waits until the workload's background child runs, and returns its pid. */
    private long awaitChild() {
        List<Long> found = await("the workload's background child").atMost(Duration.ofSeconds(10))
            .pollInterval(Duration.ofMillis(5))
            .until(() -> Kernel.processesWith(sleep + sleep), processes -> !processes.isEmpty());
        assertThat(found).as("the workload's background child").hasSize(1);
        return found.getFirst();
    }
}
