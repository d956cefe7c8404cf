package dev.linx.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.FileNotFoundException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Faults around the checkpoint: each gives a documented, structured error and leaves no process, zombie, file
 * descriptor or thread behind (counted from {@code /proc/self} before and after every test).
 */
@Tag("rootless")
class FaultsTest {

    private final UserNamespaceOperations ops = UserNamespaces.operations();
    private Leaks.Snapshot before;

    @BeforeAll
    static void warmUp() throws Exception {
        // The JDK starts its process reaper and the carriers of virtual threads on first use, and keeps them.
        try (ParkedProcess child = ParkedProcess.start(List.of("true"), Set.of())) {
            child.proceed().waitFor();
        }
        // The first temporary directory seeds the JDK's SecureRandom, which keeps /dev/random and /dev/urandom open.
        Files.delete(Files.createTempDirectory("linx-warm-up-"));
    }

    @BeforeEach
    void countWhatTheJvmHolds() {
        before = Leaks.take();
    }

    @AfterEach
    void nothingIsLeftBehind() {
        assertThat(Leaks.leftSince(before)).as("left behind since " + before).isEmpty();
    }

    @Test
    void aChildThatDiesBetweenParkAndSetupIsAKernelRejectionAndCloseReapsIt() throws Exception {
        ParkedProcess child = ParkedProcess.start(List.of("true"), Set.of());
        try (child) {
            long pid = child.hostPid();
            kill(pid);
            UserNamespaceException e = Expect.rejection(() -> ops.setupMaps(pid, MapSetup.rootless()));
            assertThat(e.operation()).isEqualTo(Operation.DENY_SETGROUPS);
            assertThat(e.errno()).isIn(Errno.ENOENT, Errno.ESRCH);
        }
    }

    @Test
    void aChildThatDiesWhileParkedCannotProceed() throws Exception {
        ParkedProcess child = ParkedProcess.start(List.of("true"), Set.of());
        try (child) {
            kill(child.hostPid());
            assertThatThrownBy(child::proceed)
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessage("the parked child " + child.hostPid() + " died before it could proceed");
        }
    }

    @Test
    void aChildThatDiesBetweenTheUidAndGidWritesFailsTheGidStepAndTheLauncherReapsIt() {
        List<Long> pids = new ArrayList<>();
        UserNamespaceOperations dying = new DelegatingOperations(ops) {
            @Override
            public void setupMaps(long pid, MapSetup setup) {
                pids.add(pid);
                ops.denySetgroups(pid);
                ops.setUidMap(pid, setup.uid());
                kill(pid);
                ops.setGidMap(pid, setup.gid());
            }
        };
        var launcher = new UserNamespaceLauncher(dying, MapSetup.rootless());
        UserNamespaceException e = Expect.rejection(() -> launcher.start(List.of("true")));
        assertThat(e.operation()).isEqualTo(Operation.SET_GID_MAP);
        assertThat(e.errno()).isIn(Errno.ENOENT, Errno.ESRCH);
        assertThat(e.path()).isEqualTo(Path.of("/proc/" + pids.getFirst() + "/gid_map"));
    }

    @Test
    void aWorkloadThatExitsAtOnceGivesItsStatus() throws Exception {
        var launcher = new UserNamespaceLauncher(ops, MapSetup.rootless());
        assertThat(exitStatus(launcher.start(List.of("true")))).isZero();
        assertThat(exitStatus(launcher.start(List.of("sh", "-c", "exit 3")))).isEqualTo(3);
        var withPid = new UserNamespaceLauncher(ops, MapSetup.rootless(), EnumSet.of(Namespace.PID));
        assertThat(exitStatus(withPid.start(List.of("sh", "-c", "exit 5")))).isEqualTo(5);
    }

    @Test
    void aReadinessTimeoutKillsAndReapsTheChild() {
        assertThatThrownBy(() -> ParkedProcess.builder(List.of("true")).readinessTimeout(Duration.ofNanos(1)).start())
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("did not reach the checkpoint within");
    }

    @Test
    void anInterruptWhileWaitingKillsAndReapsTheChildAndStaysPending() {
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> ParkedProcess.start(List.of("true"), Set.of()))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasCauseInstanceOf(InterruptedIOException.class)
                    .hasMessage("interrupted while waiting for the child to reach the checkpoint");
            assertThat(Thread.currentThread().isInterrupted()).as("interrupt still pending").isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void aMissingHelperIsAFileNotFoundBeforeAnyChildExists() throws Exception {
        // The helper hidden by /dev/null in a private mount namespace: no regular file, so not an executable.
        for (String helper : List.of("unshare", "setpriv")) {
            String scenario = helper.equals("unshare") ? "park" : "park-as-other";
            List<String> lines = probe("mount --bind /dev/null /usr/bin/" + helper, scenario);
            assertThat(lines.getFirst()).as(helper)
                    .startsWith("UncheckedIOException FileNotFoundException | '" + helper + "' not found on ")
                    .endsWith(": install util-linux");
            assertThat(lines.get(1)).as(helper).isEqualTo("left: nothing");
        }
    }

    @Test
    void aUserNamespaceLimitOfZeroIsAUserNamespaceLimitException() throws Exception {
        for (String scenario : List.of("park", "launch")) {
            List<String> lines = probe("echo 0 > /proc/sys/user/max_user_namespaces", scenario);
            assertThat(lines.getFirst()).as(scenario)
                    .startsWith("UncheckedIOException UserNamespaceLimitException limit=0"
                            + " path=/proc/sys/user/max_user_namespaces"
                            + " | the namespace helper failed before the checkpoint (exit status 1): ")
                    .endsWith("(/proc/sys/user/max_user_namespaces is 0: no user namespace may be created)");
            assertThat(lines.get(1)).as(scenario).isEqualTo("left: nothing");
        }
    }

    @Test
    void aUsedUpLimitAboveZeroIsAPlainHelperFailureWithTheHelpersExitStatus() throws Exception {
        // With the limit at 1 and one child parked, the next is refused; the library cannot name the cause without
        // reading unshare's text, so it stays the documented plain failure.
        List<String> lines = probe("echo 1 > /proc/sys/user/max_user_namespaces", "used-up");
        assertThat(lines.getFirst())
                .startsWith("UncheckedIOException IOException | the namespace helper failed before the checkpoint"
                        + " (exit status 1): ")
                .doesNotContain("UserNamespaceLimitException");
        assertThat(lines.get(1)).isEqualTo("left: nothing");
    }

    @Test
    void aMapHelperKilledByAnInterruptIsAnInterruptedIoExceptionWithTheInterruptKept(@TempDir Path bin)
            throws Exception {
        // A newuidmap that never finishes, found first on the probe's PATH.
        Path stuck = Files.writeString(bin.resolve("newuidmap"), "#!/bin/sh\nexec sleep 60\n");
        Files.setPosixFilePermissions(stuck, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (ProbeJvm jvm = ProbeJvm.inPlace()) {
            List<String> lines = jvm.run(List.of("env", "PATH=" + bin + ":/usr/bin:/bin"), FaultProbe.class,
                    "interrupt-helper");
            assertThat(lines).endsWith("interrupt pending: true", "UncheckedIOException InterruptedIOException"
                    + " | waiting for " + stuck + " was interrupted: it was killed, and"
                    + " whether it wrote the map is unknown; start a new child", "left: nothing");
        }
    }

    @Test
    void runningOutOfDescriptorsAtAnyStepOfAStartLeavesNothingBehind() throws Exception {
        // A table of 256 entries, so that filling it is quick; the JVM needs far fewer.
        try (ProbeJvm jvm = ProbeJvm.inPlace()) {
            List<String> lines = jvm.run(List.of("prlimit", "--nofile=256:256", "--"), FaultProbe.class, "descriptors");
            assertThat(lines).as("each step ran out in turn, the child's pidfd among them, until a start succeeded")
                    .anySatisfy(line -> assertThat(line).contains("could not create the pipes"))
                    .anySatisfy(line -> assertThat(line).contains("<- pidfd_open of child N failed with errno N"))
                    .contains("no failure");
            assertThat(lines.getLast()).isEqualTo("left: nothing");
        }
    }

    @Test
    void aLeaseWithNoDescriptorLeftFailsCleanlyAndTheNextLeaseWorks() throws Exception {
        assumeThat(Kernel.isRoot()).as("explicit host ranges need root").isTrue();
        try (ProbeJvm jvm = ProbeJvm.inPlace()) {
            List<String> lines = jvm.run(List.of("prlimit", "--nofile=256:256", "--"), FaultProbe.class,
                    "lease-descriptors");
            assertThat(lines).as("the ledger, the listing of /proc and a map read ran out in turn, then a lease worked")
                    .anySatisfy(line -> assertThat(line).startsWith("cannot use the id pool's ledger"))
                    .anySatisfy(line -> assertThat(line).startsWith("cannot list /proc"))
                    .anySatisfy(line -> assertThat(line).startsWith("cannot read the live namespaces' maps"))
                    .contains("no failure", "left: nothing", "afterwards: no failure, leased 0");
        }
    }

    @Test
    void aReadWithNoDescriptorLeftIsARejectionWithEmfileAndNoHint() throws Exception {
        try (ProbeJvm jvm = ProbeJvm.inPlace()) {
            List<String> lines = jvm.run(List.of("prlimit", "--nofile=256:256", "--"), FaultProbe.class,
                    "read-descriptors");
            assertThat(lines).as("the /proc directory, then the map file, ran out; then the read succeeded")
                    .containsExactly("UserNamespaceException EMFILE READ_UID_MAP hint=none", "no failure",
                            "left: nothing");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"libc", "launch", "reaper"})
    void noDescriptorLeftAtAFirstUseDoesNotBreakTheLibraryForTheJvmsLife(String point) throws Exception {
        // A JVM of its own, whose first use of the point runs with the table full to every depth of a start.
        try (ProbeJvm jvm = ProbeJvm.inPlace()) {
            List<String> lines = jvm.run(List.of("prlimit", "--nofile=256:256", "--"), FaultProbe.class,
                    "first-use", point);
            assertThat(lines.subList(0, lines.size() - 2)).as("each start with the table full")
                    .allSatisfy(line -> assertThat(line).matches("no failure|UncheckedIOException .*"))
                    .contains("no failure");
            if (!point.equals("libc")) {
                assertThat(lines).as("the reaper's epoll set was made with no descriptor left").anySatisfy(line ->
                        assertThat(line).endsWith("<- IOException the child reaper could not be started:"
                                + " epoll_createN failed with errno N"));
            }
            assertThat(lines.subList(lines.size() - 2, lines.size()))
                    .containsExactly("children: []", "afterwards: no failure");
        }
    }

    /**
     * Runs {@link FaultProbe} in a JVM of its own inside a wrapping user and mount namespace (root inside, the
     * caller outside), after {@code setup} ran there: the fault never touches the host's own settings.
     */
    private static List<String> probe(String setup, String scenario) throws Exception {
        try (ProbeJvm jvm = ProbeJvm.inPlace()) {
            return jvm.run(List.of("unshare", "--user", "--map-root-user", "--mount", "--",
                    "/bin/sh", "-c", setup + " && exec \"$@\"", "sh"), FaultProbe.class, scenario);
        }
    }

    private static int exitStatus(Process process) throws InterruptedException {
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return process.exitValue();
    }

    /** SIGKILL, then wait until the JDK has reaped the child: its /proc entry is gone. */
    private static void kill(long pid) {
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        Kernel.awaitGone(pid);
    }
}
