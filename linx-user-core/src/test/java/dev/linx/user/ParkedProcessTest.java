package dev.linx.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import dev.linx.user.testsupport.ParkedShells;
import java.io.FileNotFoundException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Tag;

/** The checkpoint window: a child in new namespaces, parked before its workload's first instruction. */
@Tag("rootless")
class ParkedProcessTest {

    private static final long SELF = ProcessHandle.current().pid();

    private final UserNamespaceOperations ops = UserNamespaces.operations();

    @AfterEach
    void nothingIsLeftBehind() {
        Kernel.assertNoChildLeft();
    }

    @Test
    void theParkedChildIsInANewUserNamespace() {
        try (ParkedProcess child = ParkedProcess.start(List.of("true"), Set.of(Namespace.USER))) {
            assertThat(Kernel.namespace(child.hostPid(), "user")).isNotEqualTo(Kernel.namespace(SELF, "user"));
            assertThat(ops.readUidMap(child.hostPid())).isEmpty();
        }
    }

    @Test
    void theWorkloadHasNotRunWhileParked(@TempDir Path dir) throws Exception {
        Path marker = dir.resolve("ran");
        try (ParkedProcess child = ParkedProcess.start(List.of("touch", marker.toString()), Set.of())) {
            assertThat(ParkedShells.cmdline(child.hostPid()).getFirst()).as("not yet exec'd").isEqualTo("/bin/sh");
            assertThat(marker).doesNotExist();
            Process workload = child.proceed();
            assertThat(workload.waitFor()).isZero();
            assertThat(marker).exists();
        }
    }

    @Test
    void theWorkloadOwnsStdinStdoutAndStderr() throws Exception {
        try (ParkedProcess child = ParkedProcess.start(List.of("sh", "-c", "read line; echo \"out:$line\"; echo err >&2"),
                Set.of())) {
            Process workload = child.proceed();
            workload.getOutputStream().write("hello\n".getBytes(StandardCharsets.UTF_8));
            workload.getOutputStream().close();
            assertThat(new String(workload.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("err\n");
            assertThat(Kernel.output(workload)).isEqualTo("out:hello\n");
        }
    }

    @Test
    void anUnmappedWorkloadIsTheOverflowIdInside() throws Exception {
        try (ParkedProcess child = ParkedProcess.start(List.of("id", "-u"), Set.of())) {
            assertThat(Kernel.output(child.proceed())).isEqualTo("65534\n");
        }
    }

    @Test
    void theWorkloadRunsWithTheMapsWrittenAtTheCheckpoint() throws Exception {
        try (ParkedProcess child = ParkedProcess.start(List.of("id", "-u"), Set.of())) {
            ops.setupMaps(child.hostPid(), MapSetup.rootless());
            assertThat(Kernel.output(child.proceed())).isEqualTo("0\n");
        }
    }

    @Test
    void userIsAddedWhenLeftOut() {
        try (ParkedProcess child = ParkedProcess.start(List.of("true"), Set.of(Namespace.UTS))) {
            assertThat(Kernel.namespace(child.hostPid(), "user")).isNotEqualTo(Kernel.namespace(SELF, "user"));
            assertThat(Kernel.namespace(child.hostPid(), "uts")).isNotEqualTo(Kernel.namespace(SELF, "uts"));
        }
    }

    @ParameterizedTest
    @EnumSource(Namespace.class)
    void eachRequestedNamespaceIsNew(Namespace namespace) {
        String kind = switch (namespace) {
            case USER -> "user";
            case MOUNT -> "mnt";
            case PID -> "pid_for_children";
            case UTS -> "uts";
            case IPC -> "ipc";
            case NET -> "net";
            case CGROUP -> "cgroup";
        };
        try (ParkedProcess child = ParkedProcess.start(List.of("true"), EnumSet.of(namespace))) {
            assertThat(Kernel.namespace(child.hostPid(), kind)).isNotEqualTo(Kernel.namespace(SELF, kind));
        }
    }

    @Test
    void unrequestedNamespacesAreShared() {
        try (ParkedProcess child = ParkedProcess.start(List.of("true"), Set.of(Namespace.USER))) {
            for (String kind : List.of("mnt", "pid", "uts", "ipc", "net", "cgroup")) {
                assertThat(Kernel.namespace(child.hostPid(), kind)).as(kind).isEqualTo(Kernel.namespace(SELF, kind));
            }
        }
    }

    @Test
    void withAPidNamespaceTheHostPidIsTheProcessThatIsPidOneInside() throws Exception {
        try (ParkedProcess child = ParkedProcess.start(List.of("sh", "-c", "echo $$"),
                EnumSet.of(Namespace.PID, Namespace.MOUNT))) {
            assertThat(Kernel.field(child.hostPid(), "NSpid")).isEqualTo(child.hostPid() + "\t1");
            ops.setupMaps(child.hostPid(), MapSetup.rootless());
            assertThat(Kernel.output(child.proceed())).isEqualTo("1\n");
        }
    }

    @Test
    void withAPidNamespaceTheProcessExitsWithTheWorkloadsStatus() throws Exception {
        try (ParkedProcess child = ParkedProcess.start(List.of("sh", "-c", "exit 7"), EnumSet.of(Namespace.PID))) {
            Process workload = child.proceed();
            assertThat(workload.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(workload.exitValue()).isEqualTo(7);
        }
    }

    @Test
    void withAPidNamespaceTheWorkloadGetsNoDescriptorButItsThreePipes() throws Exception {
        try (ParkedProcess child = ParkedProcess.start(List.of("ls", "/proc/self/fd"), EnumSet.of(Namespace.PID))) {
            // ls itself opens the directory it lists as descriptor 3.
            assertThat(Kernel.output(child.proceed()).lines()).containsExactly("0", "1", "2", "3");
        }
    }

    @Test
    void closeKillsAndReapsAChildThatNeverProceeded() {
        ParkedProcess child = ParkedProcess.start(List.of("true"), Set.of());
        long pid = child.hostPid();
        child.close();
        assertThat(Kernel.exists(pid)).as("no process, no zombie").isFalse();
    }

    @Test
    void closeKillsAndReapsAChildParkedInAPidNamespace() {
        ParkedProcess child = ParkedProcess.start(List.of("true"), EnumSet.of(Namespace.PID));
        long pid = child.hostPid();
        child.close();
        assertThat(Kernel.exists(pid)).as("no process, no zombie").isFalse();
    }

    @Test
    void aForgottenParkedChildIsKilledAndReapedOnceUnreachable() throws Exception {
        long pid = parkAndForget();
        // Each poll asks for a collection: the child is killed once the collector has found its handle unreachable.
        await("forgotten child " + pid + " killed and reaped").atMost(Duration.ofSeconds(20))
            .pollInterval(Duration.ofMillis(20))
            .until(() -> {
                System.gc();
                return !Kernel.exists(pid);
            });
    }

    private static long parkAndForget() {
        return ParkedProcess.start(List.of("true"), Set.of()).hostPid();
    }

    @Test
    void closeIsIdempotent() {
        ParkedProcess child = ParkedProcess.start(List.of("true"), Set.of());
        child.close();
        child.close();
    }

    @Test
    void closeAfterProceedLeavesTheWorkloadRunning() throws Exception {
        Process workload;
        try (ParkedProcess child = ParkedProcess.start(List.of("sleep", "30"), Set.of())) {
            workload = child.proceed();
        }
        try {
            assertThat(workload.isAlive()).isTrue();
        } finally {
            workload.destroyForcibly().waitFor();
        }
    }

    @Test
    void proceedTwiceIsRefused() throws Exception {
        try (ParkedProcess child = ParkedProcess.start(List.of("true"), Set.of())) {
            child.proceed().waitFor();
            assertThatThrownBy(child::proceed).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void proceedAfterCloseIsRefused() {
        ParkedProcess child = ParkedProcess.start(List.of("true"), Set.of());
        child.close();
        assertThatThrownBy(child::proceed).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aMissingWorkloadIsRefusedBeforeAnyChildExists() {
        assertThatThrownBy(() -> ParkedProcess.start(List.of("no-such-program-linx"), Set.of()))
                .isInstanceOf(UncheckedIOException.class)
                .hasCauseInstanceOf(FileNotFoundException.class)
                .hasMessageStartingWith("no executable 'no-such-program-linx' on PATH");
    }

    @Test
    void aReadinessTimeoutTooLongForNanosecondsIsNoLimit() {
        try (ParkedProcess child = ParkedProcess.builder(List.of("true"))
                .readinessTimeout(Duration.ofSeconds(Long.MAX_VALUE)).start()) {
            assertThat(child.hostPid()).isPositive();
        }
    }

    @Test
    void anEmptyArgvIsRefused() {
        assertThatThrownBy(() -> ParkedProcess.start(List.of(), Set.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theWorkloadIsLookedUpOnTheChildsPath(@TempDir Path dir) throws Exception {
        Path program = dir.resolve("hello-linx");
        Files.writeString(program, "#!/bin/sh\necho hi\n");
        program.toFile().setExecutable(true, false);
        ParkedProcess child = ParkedProcess.builder(List.of("hello-linx"))
                .environment(Map.of("PATH", dir + ":/usr/bin:/bin"))
                .start();
        try (child) {
            assertThat(Kernel.output(child.proceed())).isEqualTo("hi\n");
        }
    }

    @Test
    void aRelativeWorkloadIsFoundFromTheChildsWorkingDirectory(@TempDir Path dir) throws Exception {
        Path program = dir.resolve("run-linx.sh");
        Files.writeString(program, "#!/bin/sh\necho ran\n");
        program.toFile().setExecutable(true, false);
        try (ParkedProcess child = ParkedProcess.builder(List.of("./run-linx.sh")).directory(dir).start()) {
            assertThat(Kernel.output(child.proceed())).isEqualTo("ran\n");
        }
    }

    @Test
    void aRelativeWorkloadMissingFromTheChildsWorkingDirectoryIsRefusedBeforeAnyChildExists(@TempDir Path dir)
            throws Exception {
        // /usr/bin/true, relative to the JVM's working directory; from a child's directory deeper than that, the same
        // ../ steps stop short of the root and name nothing.
        Path jvmDirectory = Path.of("").toAbsolutePath();
        String viaJvmDirectory = jvmDirectory.relativize(Path.of("/usr/bin/true")).toString();
        assertThat(jvmDirectory.resolve(viaJvmDirectory)).isExecutable();
        Path deeper = dir;
        for (int i = 0; i < jvmDirectory.getNameCount(); i++) {
            deeper = deeper.resolve("d" + i);
        }
        Files.createDirectories(deeper);
        ParkedProcess.Builder builder = ParkedProcess.builder(List.of(viaJvmDirectory)).directory(deeper);
        assertThatThrownBy(builder::start)
                .isInstanceOf(UncheckedIOException.class)
                .hasMessage("no executable '" + viaJvmDirectory + "'");
    }

    @Test
    void theWorkingDirectoryIsTheOneAskedFor(@TempDir Path dir) throws Exception {
        try (ParkedProcess child = ParkedProcess.builder(List.of("pwd")).directory(dir).start()) {
            assertThat(Kernel.output(child.proceed()).strip()).isEqualTo(dir.toRealPath().toString());
        }
    }

    @Test
    void aPrivilegedCallerCanStartTheChildAsAnotherHostIdentity() {
        assumeThat(Kernel.isRoot()).isTrue();
        try (ParkedProcess child = ParkedProcess.builder(List.of("true")).hostIdentity(1000, 1001)
                .readinessTimeout(Duration.ofSeconds(10)).start()) {
            assertThat(Kernel.field(child.hostPid(), "Uid")).startsWith("1000\t1000");
            assertThat(Kernel.field(child.hostPid(), "Gid")).startsWith("1001\t1001");
            assertThat(Kernel.field(child.hostPid(), "Groups")).isEmpty();
        }
    }

    @Test
    void aChildKilledWhileParkedIsNotConfusedWithTheNextProcessOnItsPid() throws Exception {
        assumeThat(Kernel.isRoot()).as("steering the next pid through ns_last_pid needs root").isTrue();
        try (ParkedProcess child = ParkedProcess.start(List.of("true"), Set.of())) {
            long pid = child.hostPid();
            ProcessHandle.of(pid).orElseThrow().destroyForcibly();
            Kernel.awaitGone(pid);
            try (Kernel.Impostor impostor = Kernel.startOnPid(pid)) {
                assertThat(impostor.pid()).isEqualTo(pid);
                assertThatThrownBy(() -> ops.setUidMap(pid, MapSetup.rootless().uid()))
                        .isInstanceOf(UserNamespaceException.class)
                        .extracting(e -> ((UserNamespaceException) e).errno()).isIn(Errno.ENOENT, Errno.ESRCH);
                // Read past the library: while the parked child is not closed, its pid still routes to its pin.
                assertThat(Files.readAllLines(Path.of("/proc/" + pid + "/uid_map"))).as("the impostor's map").isEmpty();
            }
        }
    }
}
