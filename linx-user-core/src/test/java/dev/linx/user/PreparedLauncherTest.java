package dev.linx.user;

import static dev.linx.user.testsupport.LauncherWaits.awaitGivenBack;
import static dev.linx.user.testsupport.LauncherWaits.awaitReady;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import dev.linx.user.UserNamespaceLauncher.PreparedResult;
import dev.linx.user.testsupport.ParkedShells;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Prepared children ({@code UserNamespaceLauncher.builder().prepared(n)}) against the real kernel. */
@Tag("rootless")
@Timeout(120)
class PreparedLauncherTest {

    private final UserNamespaceOperations ops = UserNamespaces.operations();
    private final List<UserNamespaceLauncher> launchers = new ArrayList<>();
    private final List<PreparedResult> results = Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void closeEveryLauncherAndLeaveNothingBehind() {
        launchers.forEach(UserNamespaceLauncher::close);
        Kernel.assertNoChildLeft();
    }

    private UserNamespaceLauncher prepared(int count, Set<Namespace> namespaces) {
        UserNamespaceLauncher launcher = UserNamespaceLauncher.builder(ops).namespaces(namespaces).prepared(count)
                .listener(UserNamespaceLauncher.Listener.preparedResults(results::add)).build();
        launchers.add(launcher);
        return launcher;
    }

    private UserNamespaceLauncher prepared(int count) {
        return prepared(count, Set.of());
    }

    /** Waits until the kernel has ended {@code pid}: a zombie, or gone once reaped (kill(1) returns before that). */
    private static void awaitDead(long pid) {
        await(pid + " dead").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(1))
            .until(() -> !Kernel.exists(pid) || zombie(pid));
    }

    private static boolean zombie(long pid) {
        try {
            return Kernel.field(pid, "State").startsWith("Z");
        } catch (UncheckedIOException | AssertionError gone) {
            return true;
        }
    }

    /** The workload's argv as the kernel shows it in its {@code cmdline}: {@code sh -c SCRIPT sh args...}. */
    private static byte[] cmdlineOf(UserNamespaceLauncher launcher, List<String> args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("sh", "-c", "cat /proc/$$/cmdline", "sh"));
        argv.addAll(args);
        Process workload = launcher.start(argv);
        byte[] out = workload.getInputStream().readAllBytes();
        assertThat(workload.waitFor()).isZero();
        return out;
    }

    private static byte[] expectedCmdline(List<String> args) {
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        List<String> argv = new ArrayList<>(List.of("sh", "-c", "cat /proc/$$/cmdline", "sh"));
        argv.addAll(args);
        for (String arg : argv) {
            expected.writeBytes(arg.getBytes(StandardCharsets.UTF_8));
            expected.write(0);
        }
        return expected.toByteArray();
    }

    @Test
    void theWorkloadReceivesExactlyTheArgvPassedWhateverItHolds() throws Exception {
        UserNamespaceLauncher launcher = prepared(2);
        String[] pieces = {"\n", "\n\n", "'", "\"", "$", "$(id)", "`id`", "*", "?", "[a-z]", "~", "-", "--", "-e",
            "\\", "\\n", " ", "\t", "\r", ";", "&&", "|", ">", "<", "#", "!", "+", ".", "é", "日本", "😀", "\u0001",
            "\u007f", "\u0085", "linx_a", "\"$@\"", "${linx_a}", "\u0081\u0084"};
        Random random = new Random(17);
        List<List<String>> cases = new ArrayList<>();
        cases.add(List.of());
        cases.add(List.of(""));
        cases.add(List.of("", "", ""));
        cases.add(List.of("trailing newline\n", "\n", "\nleading", "a\n\nb\n\n"));
        cases.add(List.of("-n", "-e", "--", "-"));
        cases.add(List.of("x".repeat(100_000), "é".repeat(20_000)));
        for (int c = 0; c < 25; c++) {
            List<String> args = new ArrayList<>();
            for (int a = random.nextInt(6); a > 0; a--) {
                StringBuilder arg = new StringBuilder();
                for (int p = random.nextInt(8); p > 0; p--) {
                    arg.append(pieces[random.nextInt(pieces.length)]);
                }
                args.add(arg.toString());
            }
            cases.add(args);
        }
        for (List<String> args : cases) {
            awaitReady(launcher, 1);
            assertThat(cmdlineOf(launcher, args)).as("argv %s", args).isEqualTo(expectedCmdline(args));
        }
        assertThat(results).as("every start found a prepared child").containsOnly(PreparedResult.HIT);
    }

    @Test
    void aPreparedWorkloadSeesWhatAColdStartGivesIt() throws Exception {
        // Environment, working directory, descriptors, identity, capabilities, signals, maps, parent: all but pids.
        // The shell reads its own status with a builtin: dash blocks every signal for a moment while it starts a
        // child, and a child reading the status (grep, say) sees that mask about once in 200 tries.
        String script = "env | sort; pwd; ls /proc/$$/fd; cat /proc/$PPID/comm; cat /proc/$$/uid_map /proc/$$/gid_map"
                + " /proc/$$/setgroups; while IFS= read -r l; do case $l in Uid:*|Gid:*|Groups:*|Cap*|NoNewPrivs:*"
                + "|Seccomp*|SigBlk:*|SigIgn:*|SigCgt:*) printf '%s\\n' \"$l\" ;; esac; done < /proc/$$/status";
        UserNamespaceLauncher launcher = prepared(1);
        UserNamespaceLauncher cold = new UserNamespaceLauncher(ops, MapSetup.rootless());
        awaitReady(launcher, 1);
        String fromPrepared = Kernel.output(launcher.start(List.of("sh", "-c", script)));
        String fromCold = Kernel.output(cold.start(List.of("sh", "-c", script)));
        assertThat(results).containsExactly(PreparedResult.HIT);
        assertThat(fromPrepared).isEqualTo(fromCold).contains("Uid:\t0\t0\t0\t0");
        assertThat(fromPrepared.lines().filter(l -> l.startsWith("linx_"))).as("no variable of the parked shell")
                .isEmpty();
    }

    @Test
    void stdinStdoutAndStderrAreTheWorkloads() throws Exception {
        UserNamespaceLauncher launcher = prepared(1);
        awaitReady(launcher, 1);
        Process workload = launcher.start(List.of("sh", "-c", "cat; echo err >&2"));
        workload.getOutputStream().write("line one\nline two".getBytes(StandardCharsets.UTF_8));
        workload.getOutputStream().close();
        assertThat(new String(workload.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("err\n");
        assertThat(Kernel.output(workload)).isEqualTo("line one\nline two");
    }

    @Test
    void noTwoWorkloadsShareAUserNamespace() throws Exception {
        UserNamespaceLauncher launcher = prepared(2, Set.of(Namespace.PID));
        List<Process> running = new ArrayList<>();
        Set<String> namespaces = new HashSet<>();
        try {
            for (int i = 0; i < 6; i++) {
                if (i % 2 == 0) {
                    awaitReady(launcher, 2);
                }
                // Alive until its stdin closes: a namespace's inode number could be reused after it is gone.
                Process workload = launcher.start(List.of("sh", "-c", "readlink /proc/self/ns/user; exec cat"));
                running.add(workload);
                namespaces.add(new BufferedReader(new InputStreamReader(workload.getInputStream(),
                        StandardCharsets.US_ASCII)).readLine());
            }
        } finally {
            for (Process workload : running) {
                workload.getOutputStream().close();
                workload.waitFor(10, TimeUnit.SECONDS);
            }
        }
        assertThat(namespaces).hasSize(6).doesNotContain(Kernel.namespace(ProcessHandle.current().pid(), "user"));
        assertThat(results).contains(PreparedResult.HIT);
    }

    @Test
    void aPreparedChildKilledWhileIdleIsSkippedAndTheNextStartWorks() throws Exception {
        UserNamespaceLauncher launcher = prepared(2);
        awaitReady(launcher, 2);
        List<Long> idle = ParkedShells.ofThisJvm();
        assertThat(idle).hasSize(2);
        for (long pid : idle) {
            new ProcessBuilder("kill", "-KILL", Long.toString(pid)).start().waitFor();
        }
        for (long pid : idle) {
            Kernel.awaitGone(pid);
        }
        assertThat(Kernel.output(launcher.start(List.of("id", "-u")))).isEqualTo("0\n");
        awaitReady(launcher, 2);
        assertThat(ParkedShells.ofThisJvm()).as("replaced").hasSize(2).doesNotContainAnyElementsOf(idle);
    }

    @Test
    void aChildFoundDeadAtTheStartIsSkipped() throws Exception {
        UserNamespaceLauncher launcher = prepared(1);
        awaitReady(launcher, 1);
        long pid = ParkedShells.ofThisJvm().getFirst();
        // Stopped, then killed: dead to the kernel (a zombie until reaped) whatever the pool has noticed yet.
        new ProcessBuilder("kill", "-KILL", Long.toString(pid)).start().waitFor();
        awaitDead(pid);
        assertThat(Kernel.output(launcher.start(List.of("id", "-u")))).isEqualTo("0\n");
    }

    @Test
    void closeKillsAndReapsEveryPreparedChildAndEndsItsThread() throws Exception {
        UserNamespaceLauncher launcher = prepared(3, Set.of(Namespace.PID));
        awaitReady(launcher, 3);
        List<Long> idle = ParkedShells.ofThisJvm();
        assertThat(idle).hasSize(3);
        launcher.close();
        assertThat(Leaks.children()).as("no child, no zombie").isEmpty();
        assertThat(idle).noneMatch(Kernel::exists);
        assertThat(Leaks.threadNames()).doesNotContain("linx-user-prepa");
        assertThat(launcher.prepared().orElseThrow().ready()).isZero();
    }

    @Test
    void closeWhileTheFirstChildrenAreBeingParkedLeavesNothingBehind() {
        UserNamespaceLauncher launcher = prepared(4);
        launcher.close();
        assertThat(Leaks.children()).isEmpty();
    }

    @Test
    void aStartAfterCloseParksItsOwnChild() throws Exception {
        UserNamespaceLauncher launcher = prepared(1);
        awaitReady(launcher, 1);
        launcher.close();
        assertThat(Kernel.output(launcher.start(List.of("id", "-u")))).isEqualTo("0\n");
        assertThat(results).containsExactly(PreparedResult.MISS);
    }

    @Test
    void aMissingProgramIsReportedWithoutUsingAPreparedChild() throws Exception {
        UserNamespaceLauncher launcher = prepared(1);
        awaitReady(launcher, 1);
        long waiting = ParkedShells.ofThisJvm().getFirst();
        assertThatThrownBy(() -> launcher.start(List.of("linx-no-such-program")))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining("linx-no-such-program");
        assertThatThrownBy(() -> launcher.start(List.of("sh", "a\0b"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> launcher.start(List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThat(ParkedShells.ofThisJvm()).containsExactly(waiting);
        assertThat(results).isEmpty();
    }

    /** {@code echo} with {@code args} after it. */
    private static List<String> echo(List<String> args) {
        List<String> argv = new ArrayList<>(List.of("echo"));
        argv.addAll(args);
        return argv;
    }

    /** Arguments of 100,000 bytes, {@code total} bytes in all (rounded up). */
    private static List<String> arguments(long total) {
        List<String> args = new ArrayList<>();
        for (long sum = 0; sum < total; sum += 100_000) {
            args.add("y".repeat(100_000));
        }
        return args;
    }

    /** What execve(2) takes in all with this JVM's stack limit: a quarter of it, within 128 KiB and 6 MiB. */
    private static long execArgLimit() throws Exception {
        String soft = Files.readAllLines(Path.of("/proc/self/limits")).stream()
                .filter(line -> line.startsWith("Max stack size")).findFirst().orElseThrow()
                .substring("Max stack size".length()).trim().split("\\s+")[0];
        long sixMebibytes = 6L << 20;
        return soft.equals("unlimited") ? sixMebibytes : Math.max(Math.min(sixMebibytes, Long.parseLong(soft) / 4), 131_072);
    }

    /** A start refused before anything ran: the same exception type and cause from a cold and a prepared launcher. */
    private void assertRefusedLikeAColdStart(List<String> argv) throws Exception {
        UserNamespaceLauncher cold = new UserNamespaceLauncher(ops, MapSetup.rootless());
        assertThatThrownBy(() -> cold.start(argv)).as("cold")
                .isInstanceOf(UncheckedIOException.class).hasCauseInstanceOf(IOException.class);
        UserNamespaceLauncher launcher = prepared(1);
        awaitReady(launcher, 1);
        long waiting = ParkedShells.ofThisJvm().getFirst();
        assertThatThrownBy(() -> launcher.start(argv)).as("prepared")
                .isInstanceOf(UncheckedIOException.class).hasCauseInstanceOf(IOException.class)
                .hasMessageContaining("E2BIG");
        assertThat(ParkedShells.ofThisJvm()).as("the prepared child is kept").containsExactly(waiting);
        assertThat(results).as("no child taken").isEmpty();
        assertThat(Kernel.output(launcher.start(List.of("id", "-u")))).isEqualTo("0\n");
        assertThat(results).containsExactly(PreparedResult.HIT);
    }

    @Test
    void anArgumentLongerThanExecveTakesFailsAPreparedStartAsItFailsAColdOneAndKeepsTheChild() throws Exception {
        assertRefusedLikeAColdStart(List.of("echo", "x".repeat(200_000)));
    }

    @Test
    void anArgvOverTheStackLimitsShareFailsAPreparedStartAsItFailsAColdOneAndKeepsTheChild() throws Exception {
        assertRefusedLikeAColdStart(echo(arguments(execArgLimit() + 100_000)));
    }

    @Test
    void anArgvJustUnderTheStackLimitsShareRunsPrepared() throws Exception {
        long environment = System.getenv().entrySet().stream()
                .mapToLong(e -> (e.getKey() + "=" + e.getValue()).getBytes(StandardCharsets.UTF_8).length + 9L).sum();
        List<String> args = arguments(execArgLimit() - environment - 300_000);
        UserNamespaceLauncher launcher = prepared(1);
        awaitReady(launcher, 1);
        Process workload = launcher.start(echo(args));
        byte[] out = workload.getInputStream().readAllBytes();
        assertThat(workload.waitFor()).isZero();
        assertThat(out).hasSize(args.size() * 100_001);
        assertThat(results).containsExactly(PreparedResult.HIT);
    }

    @Test
    void theCheckpointRunsOnThePreparedChildThatThenRunsTheWorkload() throws Exception {
        UserNamespaceLauncher launcher = prepared(1);
        awaitReady(launcher, 1);
        List<Long> checkpoint = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        Process workload = launcher.start(List.of("sh", "-c", "echo $$"), pid -> {
            checkpoint.add(pid);
            seen.add(ops.readUidMap(pid).toString());
        });
        assertThat(Kernel.output(workload)).isEqualTo(checkpoint.getFirst() + "\n");
        assertThat(seen).containsExactly(MapSetup.rootless().uid().toString());
        assertThat(results).containsExactly(PreparedResult.HIT);
    }

    @Test
    void aCheckpointThatThrowsKillsThePreparedChildAndTheWorkloadNeverRuns(@TempDir Path dir) throws Exception {
        UserNamespaceLauncher launcher = prepared(1);
        awaitReady(launcher, 1);
        Path marker = dir.resolve("ran");
        List<Long> parked = new ArrayList<>();
        assertThatThrownBy(() -> launcher.start(List.of("touch", marker.toString()), pid -> {
            parked.add(pid);
            throw new IllegalStateException("cgroup full");
        })).isInstanceOf(IllegalStateException.class).hasMessage("cgroup full");
        assertThat(Kernel.exists(parked.getFirst())).as("child killed and reaped").isFalse();
        assertThat(Files.exists(marker)).isFalse();
    }

    @Test
    void everyNamespaceKindWorksPrepared() throws Exception {
        UserNamespaceLauncher launcher = prepared(1, EnumSet.allOf(Namespace.class));
        awaitReady(launcher, 1);
        long self = ProcessHandle.current().pid();
        Process workload = launcher.start(List.of("sh", "-c", "echo $$; id -u; hostname linx && hostname;"
                + " for n in user mnt pid uts ipc net cgroup; do readlink /proc/self/ns/$n; done"));
        List<String> lines = Kernel.output(workload).lines().toList();
        assertThat(lines.subList(0, 3)).containsExactly("1", "0", "linx");
        List<String> host = new ArrayList<>();
        for (String kind : List.of("user", "mnt", "pid", "uts", "ipc", "net", "cgroup")) {
            host.add(Kernel.namespace(self, kind));
        }
        for (int i = 0; i < host.size(); i++) {
            assertThat(lines.get(3 + i)).isNotEqualTo(host.get(i));
        }
        assertThat(results).containsExactly(PreparedResult.HIT);
    }

    @Test
    void aPrivilegedJvmsPreparedChildIsStartedUnderTheHostIdsRootInsideMapsTo() throws Exception {
        assumeThat(Kernel.isRoot()).isTrue();
        UserNamespaceLauncher launcher = UserNamespaceLauncher.builder(ops).defaults(MapSetup.rootless(1000, 1000))
                .prepared(1).listener(UserNamespaceLauncher.Listener.preparedResults(results::add)).build();
        launchers.add(launcher);
        awaitReady(launcher, 1);
        List<String> hostUid = new ArrayList<>();
        Process id = launcher.start(List.of("sh", "-c", "id -u; id -g"), pid -> hostUid.add(Kernel.field(pid, "Uid")));
        assertThat(hostUid.getFirst()).startsWith("1000\t");
        assertThat(Kernel.output(id)).isEqualTo("0\n0\n");
        assertThat(results).containsExactly(PreparedResult.HIT);
    }

    @Test
    void isolatedPreparedChildrenHoldTheirLeasesUntilCloseGivesThemBack(@TempDir Path ledger) throws Exception {
        assumeThat(Kernel.isRoot()).as("explicit host ranges").isTrue();
        IdPool pool = IdPool.of(new IdRange(10_000_000, 8 * 65_536), new IdRange(10_600_000, 8 * 65_536))
                .withLedger(ledger);
        UserNamespaceLauncher launcher = UserNamespaceLauncher.builder(ops).isolated(pool, 65_536).prepared(2)
                .listener(UserNamespaceLauncher.Listener.preparedResults(results::add)).build();
        launchers.add(launcher);
        awaitReady(launcher, 2);
        assertThat(pool.usage(65_536).leased()).isEqualTo(2);
        String out = Kernel.output(launcher.start(List.of("sh", "-c", "id -u; cat /proc/self/uid_map")));
        assertThat(out.lines().findFirst()).contains("0");
        IdMapping map = IdMapping.parse(out.lines().skip(1).findFirst().orElseThrow());
        assertThat(map.outside()).isBetween(10_000_000L, 10_000_000L + 7 * 65_536);
        assertThat(map.length()).isEqualTo(65_536);
        awaitReady(launcher, 2);
        launcher.close();
        awaitGivenBack(launcher);
        assertThat(results).containsExactly(PreparedResult.HIT);
    }
}
