package dev.linx.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * One pool shared by several JVMs: a JVM killed with SIGKILL while its workload runs, two JVMs leasing at the same
 * time, and an unprivileged JVM leasing its subordinate ranges through the map helpers. Root only (it starts the
 * other JVMs with explicit host ranges, or as a test user it creates).
 */
class IdPoolAcrossProcessesTest {

    private static final IdRange UIDS = new IdRange(3_400_000, 3 * 65_536);
    private static final IdRange GIDS = new IdRange(3_400_000, 3 * 65_536);

    @RegisterExtension
    static final ProbeJvm.Copied jvm = new ProbeJvm.Copied();

    @TempDir
    Path ledger;

    @BeforeEach
    void onlyRoot() {
        assumeThat(Kernel.isRoot()).isTrue();
    }

    private IdPool pool() {
        return IdPool.of(UIDS, GIDS).withLedger(ledger);
    }

    private String[] probeArgs(String verb) {
        return new String[] {verb, ledger.toString(), UIDS.start() + ":" + UIDS.count(),
                GIDS.start() + ":" + GIDS.count()};
    }

    @Test
    void afterAJvmIsKilledItsRunningWorkloadsBlockStaysTakenAndItsOtherLeasesComeBack() throws Exception {
        Process holder = jvm.start(List.of(), PoolProbe.class, probeArgs("hold"));
        long workloadPid;
        long workloadBlock;
        long leaseBlock;
        try {
            var out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.US_ASCII));
            String[] workload = out.readLine().split(" ");
            workloadPid = Long.parseLong(workload[1]);
            workloadBlock = Long.parseLong(workload[2]);
            leaseBlock = Long.parseLong(out.readLine().split(" ")[1]);
        } finally {
            holder.destroyForcibly();
            holder.waitFor();
        }
        try {
            List<IdLease> leases = new ArrayList<>();
            try {
                leases.add(pool().lease(65_536));
                leases.add(pool().lease(65_536));
                assertThat(leases).extracting(l -> l.uids().start()).doesNotContain(workloadBlock)
                        .contains(leaseBlock);
                assertThatThrownBy(() -> pool().lease(65_536)).isInstanceOf(IdPoolExhaustedException.class);
                ProcessHandle.of(workloadPid).ifPresent(ProcessHandle::destroyForcibly);
                Kernel.awaitGone(workloadPid);
                leases.add(pool().lease(65_536));
                assertThat(leases.getLast().uids().start()).isEqualTo(workloadBlock);
            } finally {
                leases.forEach(IdLease::close);
            }
        } finally {
            ProcessHandle.of(workloadPid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void twoJvmsLeasingAtOnceNeverHoldOverlappingBlocks(@TempDir Path occupied) throws Exception {
        List<String> churn = new ArrayList<>(List.of(probeArgs("churn")));
        churn.addAll(List.of("2", "1000", occupied.toString()));
        Process first = jvm.start(List.of(), PoolProbe.class, churn.toArray(String[]::new));
        Process second = jvm.start(List.of(), PoolProbe.class, churn.toArray(String[]::new));
        for (Process p : List.of(first, second)) {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(out).as(err).isEqualTo("churned 2000\n");
        }
        try (Stream<Path> left = Files.list(occupied)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void anUnprivilegedJvmLeasesItsSubordinateRangesThroughTheHelpersWithRootInside() throws Exception {
        assumeThat(Path.of("/usr/bin/newuidmap")).as("uidmap installed (.ci/run installs it)").isExecutable();
        long uid = 47_120;
        try (TestUser user = TestUser.create("linx-pool-test", uid, "4100000:131072")) {
            try {
                List<String> lines = jvm.run(user.as(), PoolProbe.class, "subordinate");
                assertThat(lines).containsExactlyInAnyOrder(
                        "0 0 0 4100000 65536 0 4100000 65536", "status 0",
                        "0 0 0 4165536 65536 0 4165536 65536", "status 0",
                        "children-left 0");
            } finally {
                deleteTree(Path.of("/tmp/linx-user-" + uid));
            }
        }
    }

    @Test
    void aPoolInsideAPodsUserNamespaceLeasesTheChildrensBlocksFromThePodsIds() throws Exception {
        // A Kubernetes pod with hostUsers: false: the JVM is root of a namespace mapping 0..65535 to 65,536 host ids.
        long base = 5_000_000;
        Path podLedger = Files.createDirectory(ledger.resolve("pod"));
        Files.setPosixFilePermissions(ledger, PosixFilePermissions.fromString("rwx--x--x"));
        Files.setOwner(podLedger, podLedger.getFileSystem().getUserPrincipalLookupService()
                .lookupPrincipalByName(Long.toString(base)));
        Files.setAttribute(podLedger, "unix:gid", (int) base);
        UserNamespaceOperations ops = UserNamespaces.operations();
        try (ParkedProcess pod = ParkedProcess.builder(jvm.command(PoolProbe.class, "pod", podLedger.toString()))
                .hostIdentity(base, base).directory(jvm.directory()).start()) {
            ops.setupMaps(pod.hostPid(), new MapSetup(List.of(IdMapping.of(0, base, 65_536)),
                    List.of(IdMapping.of(0, base, 65_536)), SetgroupsPolicy.SKIP));
            Process probe = pod.proceed();
            String out = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(probe.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(probe.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(out.lines().toList()).as(err).containsExactlyInAnyOrder(
                    "0 0 0 1024 1024 0 1024 1024", "status 0",
                    "0 0 0 2048 1024 0 2048 1024", "status 0",
                    "children-left 0");
        }
    }

    private static void deleteTree(Path root) throws Exception {
        if (Files.exists(root)) {
            try (Stream<Path> all = Files.walk(root)) {
                for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
