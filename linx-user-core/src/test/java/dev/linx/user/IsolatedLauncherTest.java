package dev.linx.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Isolated launches: every workload its own block, root inside it, and no way from one sandbox into another. The
 * signal and file attacks run once between two isolated workloads (refused) and once between two workloads of one
 * shared map (let through): the control that shows the attack would catch a regression. Cross-namespace ptrace is
 * refused by the kernel under a shared map too, so its control is the same probe inside one sandbox. Root only
 * (explicit host ranges).
 */
class IsolatedLauncherTest {

    private static final IdRange UIDS = new IdRange(3_200_000, 2 * 65_536);
    private static final IdRange GIDS = new IdRange(3_200_000, 2 * 65_536);

    @TempDir
    Path ledger;

    @TempDir
    Path shared;

    private final UserNamespaceOperations ops = UserNamespaces.operations();
    private final List<Process> workloads = new ArrayList<>();

    @BeforeEach
    void onlyRootMapsExplicitRanges() throws Exception {
        assumeThat(Kernel.isRoot()).isTrue();
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
    }

    @AfterEach
    void nothingIsLeftBehind() throws Exception {
        for (Process workload : workloads) {
            workload.destroyForcibly();
            workload.waitFor();
        }
        Kernel.assertNoChildLeft();
        // No namespace of this test maps the pool any more, so the next test starts from an empty pool.
        awaitLeased(0);
    }

    private IdPool pool() {
        return IdPool.of(UIDS, GIDS).withLedger(ledger);
    }

    private UserNamespaceLauncher isolated(Namespace... namespaces) {
        return UserNamespaceLauncher.builder(ops).isolated(pool(), 65_536).namespaces(Set.of(namespaces)).build();
    }

    private UserNamespaceLauncher sharedMap() {
        return UserNamespaceLauncher.builder(ops).defaults(MapSetup.of(List.of(IdMapping.of(0, UIDS.start(), 65_536)),
                List.of(IdMapping.of(0, GIDS.start(), 65_536)))).build();
    }

    private Process start(UserNamespaceLauncher launcher, String script, String... args) {
        List<String> argv = new ArrayList<>(List.of("sh", "-c", script, "sh"));
        argv.addAll(List.of(args));
        Process workload = launcher.start(argv);
        workloads.add(workload);
        return workload;
    }

    @Test
    void theWorkloadIsRootInsideOnTheFirstIdOfItsBlock() throws Exception {
        Process workload = start(isolated(), "id -u; id -g; cat /proc/self/uid_map; sleep 0.3");
        String hostUid = Kernel.field(workload.pid(), "Uid").split("\t")[0];
        String[] lines = Kernel.output(workload).split("\n");
        assertThat(lines[0]).isEqualTo("0");
        assertThat(lines[1]).isEqualTo("0");
        IdMapping map = IdMapping.parse(lines[2]);
        assertThat(map.inside()).isZero();
        assertThat(map.length()).isEqualTo(65_536);
        assertThat(UIDS.contains(map.outside())).isTrue();
        assertThat(hostUid).isEqualTo(Long.toString(map.outside()));
    }

    @Test
    void twoWorkloadsAtOnceRunOnDisjointBlocks() throws Exception {
        UserNamespaceLauncher launcher = isolated();
        Process a = start(launcher, "exec sleep 30");
        Process b = start(launcher, "exec sleep 30");
        long uidA = Long.parseLong(Kernel.field(a.pid(), "Uid").split("\t")[0]);
        long uidB = Long.parseLong(Kernel.field(b.pid(), "Uid").split("\t")[0]);
        assertThat(Math.abs(uidA - uidB)).isGreaterThanOrEqualTo(65_536);
    }

    @Test
    void aFullPoolRefusesTheStartBeforeAnyChildExists() {
        UserNamespaceLauncher launcher = isolated();
        start(launcher, "exec sleep 30");
        start(launcher, "exec sleep 30");
        long before = ProcessHandle.current().descendants().count();
        assertThatThrownBy(() -> launcher.start(List.of("true"))).isInstanceOf(IdPoolExhaustedException.class);
        assertThat(ProcessHandle.current().descendants().count()).isEqualTo(before);
    }

    @Test
    void aStartThatFailsGivesItsLeaseBack() {
        UserNamespaceLauncher launcher = isolated();
        assertThatThrownBy(() -> launcher.start(List.of("/nonexistent/linx-workload")))
                .isInstanceOf(RuntimeException.class);
        assertThat(pool().usage(65_536).leased()).isZero();
    }

    @Test
    void theLeaseGoesBackOnceTheWorkloadHasExited() throws Exception {
        Kernel.output(isolated().start(List.of("true")));
        awaitLeased(0);
    }

    @Test
    void theLeaseOfAPidNamespaceWorkloadGoesBackAtItsExit() throws Exception {
        Kernel.output(isolated(Namespace.PID).start(List.of("true")));
        awaitLeased(0);
    }

    @Test
    void aChildThatOutlivesTheWorkloadKeepsTheBlockTaken() throws Exception {
        Path done = shared.resolve("done");
        // The workload exits at once; its background child holds the ids until the test lets it go.
        Process workload = isolated().start(List.of("sh", "-c",
                "(while [ ! -e \"$1\" ]; do sleep 0.05; done) >/dev/null 2>&1 </dev/null & exit 0", "sh",
                done.toString()));
        assertThat(workload.waitFor(10, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(300);
        assertThat(pool().usage(65_536).leased()).as("held by the orphan").isEqualTo(1);
        Files.writeString(done, "");
        awaitLeased(0);
    }

    private void awaitLeased(long expected) {
        await("leased blocks back to " + expected).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
            .until(() -> pool().usage(65_536).leased() == expected);
    }

    // Attacks from one sandbox's root on another's workload.

    private String attack(UserNamespaceLauncher launcher, String script) throws Exception {
        Path secret = shared.resolve("secret");
        // Written under umask 077 and renamed into place: the file never shows before it is private.
        Process victim = start(launcher, "umask 077 && echo secret > \"$1.new\" && mv \"$1.new\" \"$1\""
                + " && exec sleep 30", secret.toString());
        await("victim ready").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5))
            .until(() -> Files.exists(secret) && Files.size(secret) > 0);
        Thread.sleep(50);   // the victim has exec'd sleep
        Process attacker = start(launcher, "{ " + script + "; } 2>&1", Long.toString(victim.pid()), secret.toString());
        String out = new String(attacker.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(attacker.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return out + "status=" + attacker.exitValue();
    }

    private static final String SIGNAL = "kill -0 \"$1\"";
    private static final String READ_ENVIRON = "cat \"/proc/$1/environ\" >/dev/null";
    private static final String READ_FILE = "cat \"$2\"";
    private static final String PTRACE = "timeout -s KILL 1 strace -qq -e trace=none -p \"$1\"";

    @Test
    void rootInOneSandboxCannotSignalAnother() throws Exception {
        assertThat(attack(isolated(), SIGNAL)).contains("Operation not permitted").endsWith("status=1");
    }

    @Test
    void rootUnderOneSharedMapCanSignalTheOther() throws Exception {
        assertThat(attack(sharedMap(), SIGNAL)).isEqualTo("status=0");
    }

    @Test
    void rootInOneSandboxCannotReadAnothersProcessMemoryViews() throws Exception {
        assertThat(attack(isolated(), READ_ENVIRON)).contains("Permission denied").endsWith("status=1");
    }

    @Test
    void theSameProbeReadsTheMemoryViewsOfAProcessInItsOwnSandbox() throws Exception {
        // Across two namespaces the kernel refuses this even under one shared map (CAP_SYS_PTRACE over the target's
        // namespace is needed): the control here shows the probe itself works.
        Process self = start(isolated(), "sleep 30 & " + READ_ENVIRON.replace("$1", "$!") + "; s=$?; kill $!; wait $!; exit $s");
        assertThat(self.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(self.exitValue()).isZero();
    }

    @Test
    void rootInOneSandboxCannotReadAnothersPrivateFile() throws Exception {
        assertThat(attack(isolated(), READ_FILE)).contains("Permission denied").endsWith("status=1");
    }

    @Test
    void rootUnderOneSharedMapCanReadTheOthersPrivateFile() throws Exception {
        assertThat(attack(sharedMap(), READ_FILE)).isEqualTo("secret\nstatus=0");
    }

    @Test
    void rootInOneSandboxCannotPtraceAnother() throws Exception {
        assumeThat(Files.isExecutable(Path.of("/usr/bin/strace"))).as("strace installed").isTrue();
        assertThat(attack(isolated(), PTRACE)).contains("Operation not permitted").endsWith("status=1");
    }

    @Test
    void theSameProbePtracesAProcessInItsOwnSandbox() throws Exception {
        assumeThat(Files.isExecutable(Path.of("/usr/bin/strace"))).as("strace installed").isTrue();
        // Attached until timeout kills strace: status 137, nothing refused.
        Process self = start(isolated(), "sleep 30 & " + PTRACE.replace("$1", "$!") + " 2>&1; s=$?; kill $!; wait $!; exit $s");
        String out = new String(self.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(self.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(out).doesNotContain("Operation not permitted");
        assertThat(self.exitValue()).isEqualTo(137);
    }
}
