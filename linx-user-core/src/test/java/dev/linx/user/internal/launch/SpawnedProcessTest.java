package dev.linx.user.internal.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A process started with posix_spawn and reaped by the library, held to the contract of {@link Process}. */
class SpawnedProcessTest {

    private static final String SH = "/bin/sh";
    private static final String CAT = "/bin/cat";

    @AfterEach
    void nothingIsLeftBehind() {
        assertThat(ProcessHandle.current().children().filter(ProcessHandle::isAlive).map(ProcessHandle::pid))
                .as("children left behind").isEmpty();
    }

    private static SpawnedProcess start(String... command) {
        return SpawnedProcess.start(List.of(command), Map.of(), null);
    }

    private static SpawnedProcess started(String... command) {
        SpawnedProcess process = start(command);
        process.closeReadinessFd();
        return process;
    }

    private static String read(java.io.InputStream in) throws Exception {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void stdinStdoutAndStderrArePipesToTheChild() throws Exception {
        SpawnedProcess p = started(SH, "-c", "read line; echo \"out $line\"; echo err >&2");
        p.getOutputStream().write("hello\n".getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().flush();
        assertThat(read(p.getInputStream())).isEqualTo("out hello\n");
        assertThat(read(p.getErrorStream())).isEqualTo("err\n");
        assertThat(p.waitFor()).isZero();
    }

    @Test
    void theExitValueIsTheChildsExitStatus() throws Exception {
        SpawnedProcess p = started(SH, "-c", "exit 3");
        assertThat(p.waitFor()).isEqualTo(3);
        assertThat(p.exitValue()).isEqualTo(3);
        assertThat(p.isAlive()).isFalse();
    }

    @Test
    void aChildKilledBySignalExitsWith128PlusTheSignal() throws Exception {
        SpawnedProcess p = started("/bin/sleep", "30");
        p.destroyForcibly();
        assertThat(p.waitFor()).isEqualTo(128 + 9);
    }

    @Test
    void destroyAsksTheChildToTerminate() throws Exception {
        SpawnedProcess p = started("/bin/sleep", "30");
        assertThat(p.supportsNormalTermination()).isTrue();
        p.destroy();
        assertThat(p.waitFor()).isEqualTo(128 + 15);
    }

    @Test
    void exitValueOfARunningChildIsRefused() throws Exception {
        SpawnedProcess p = started("/bin/sleep", "30");
        try {
            assertThat(p.isAlive()).isTrue();
            assertThat(p.waitFor(10, TimeUnit.MILLISECONDS)).isFalse();
            assertThatThrownBy(p::exitValue).isInstanceOf(IllegalThreadStateException.class);
        } finally {
            p.destroyForcibly().waitFor();
        }
    }

    @Test
    void onExitCompletesWithTheProcess() throws Exception {
        SpawnedProcess p = started("/bin/true");
        assertThat(p.onExit().get(30, TimeUnit.SECONDS)).isSameAs(p);
    }

    @Test
    void theChildIsReapedWithoutAnyoneWaitingForIt() throws Exception {
        SpawnedProcess p = started("/bin/true");
        await("no zombie").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5))
            .until(() -> !Files.exists(Path.of("/proc/" + p.pid())));
    }

    @Test
    void outputLeftInThePipeIsReadableAfterTheExit() throws Exception {
        SpawnedProcess p = started(SH, "-c", "echo left");
        p.waitFor();
        Thread.sleep(50);
        assertThat(read(p.getInputStream())).isEqualTo("left\n");
    }

    @Test
    void theChildInheritsNoDescriptorButItsThreePipes() throws Exception {
        SpawnedProcess p = started("/bin/ls", "/proc/self/fd");
        // ls itself opens the directory it lists as descriptor 3.
        assertThat(read(p.getInputStream()).lines()).containsExactly("0", "1", "2", "3");
        p.waitFor();
    }

    @Test
    void noSignalIsBlockedAndNoStandardSignalIgnoredInTheChild() throws Exception {
        SpawnedProcess p = started(CAT, "/proc/self/status");
        List<String> lines = read(p.getInputStream()).lines().toList();
        p.waitFor();
        assertThat(lines).contains("SigBlk:\t0000000000000000");
        // glibc's posix_spawn leaves its two internal signals (32, 33) ignored, as in every ProcessBuilder child.
        long ignored = lines.stream().filter(l -> l.startsWith("SigIgn:"))
                .map(l -> Long.parseLong(l.substring(7).strip(), 16)).findFirst().orElseThrow();
        assertThat(ignored & 0x7fffffffL).as("signals 1..31 ignored").isZero();
    }

    @Test
    void variablesAreAddedToTheJvmsEnvironment() throws Exception {
        SpawnedProcess p = SpawnedProcess.start(List.of(SH, "-c", "echo \"$LINX_TEST $HOME\""),
                Map.of("LINX_TEST", "yes"), null);
        p.closeReadinessFd();
        assertThat(read(p.getInputStream())).isEqualTo("yes " + System.getenv("HOME") + "\n");
        p.waitFor();
    }

    @Test
    void theWorkingDirectoryIsTheOneAskedFor(@TempDir Path dir) throws Exception {
        SpawnedProcess p = SpawnedProcess.start(List.of("/bin/pwd"), Map.of(), dir);
        p.closeReadinessFd();
        assertThat(read(p.getInputStream())).isEqualTo(dir.toRealPath() + "\n");
        p.waitFor();
    }

    @Test
    void aMissingProgramIsRefusedAndLeavesNothingBehind() {
        assertThatThrownBy(() -> start("/nonexistent/program"))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("/nonexistent/program");
    }

    @Test
    void theHandleNamesTheChild() throws Exception {
        SpawnedProcess p = started("/bin/sleep", "30");
        try {
            assertThat(p.toHandle().pid()).isEqualTo(p.pid());
            assertThat(p.toHandle().parent().map(ProcessHandle::pid)).contains(ProcessHandle.current().pid());
        } finally {
            p.destroyForcibly().waitFor();
        }
    }

    @Test
    void signalsAfterTheReapReachNobody() throws Exception {
        SpawnedProcess p = started("/bin/true");
        p.waitFor();
        p.destroyForcibly();
        p.destroy();
        assertThat(p.exitValue()).isZero();
    }

    @Test
    void writingToTheStdinOfAnExitedChildFails() throws Exception {
        SpawnedProcess p = started("/bin/true");
        p.waitFor();
        Thread.sleep(50);
        assertThatThrownBy(() -> {
            p.getOutputStream().write('x');
            p.getOutputStream().flush();
        }).isInstanceOf(java.io.IOException.class);
    }

    @Test
    void aHundredChildrenAreAllReaped() throws Exception {
        List<SpawnedProcess> all = new java.util.ArrayList<>();
        for (int i = 0; i < 100; i++) {
            all.add(started("/bin/true"));
        }
        for (SpawnedProcess p : all) {
            assertThat(p.waitFor()).isZero();
        }
        assertThat(Reaper.instance().watching()).isZero();
    }

    @Test
    void everyChildIsReapedByTheOneDaemonPlatformThreadTheLibraryStarts() throws Exception {
        for (int i = 0; i < 3; i++) {
            started("/bin/true").onExit().get(10, TimeUnit.SECONDS);
        }
        List<Thread> reapers = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("linx-user-reaper")).toList();
        assertThat(reapers).singleElement().satisfies(t -> {
            assertThat(t.isVirtual()).isFalse();
            assertThat(t.isDaemon()).isTrue();
        });
    }

    @Test
    void waitersOnSeveralThreadsAllSeeTheExit() throws Exception {
        SpawnedProcess p = started(SH, "-c", "sleep 0.2; exit 4");
        List<java.util.concurrent.Future<Integer>> waits = new java.util.ArrayList<>();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(3)) {
            for (int i = 0; i < 3; i++) {
                waits.add(pool.submit(() -> p.waitFor()));
            }
            waits.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return p.waitFor();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }, java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()));
            for (var wait : waits) {
                assertThat(wait.get(30, TimeUnit.SECONDS)).isEqualTo(4);
            }
        }
    }

    @Test
    void anInterruptedWaiterGetsInterruptedException() throws Exception {
        SpawnedProcess p = started("/bin/sleep", "30");
        try {
            Thread.currentThread().interrupt();
            assertThatThrownBy(p::waitFor).isInstanceOf(InterruptedException.class);
            assertThat(p.isAlive()).isTrue();
        } finally {
            Thread.interrupted();
            p.destroyForcibly().waitFor();
        }
    }

    @Test
    void aChildWhoseWaiterGaveUpIsStillReapedByTheReaper() throws Exception {
        SpawnedProcess p = started("/bin/sleep", "30");
        assertThat(p.waitFor(50, TimeUnit.MILLISECONDS)).as("waiter gave up").isFalse();
        p.destroyForcibly();
        await("reaped with nobody waiting").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5))
            .until(() -> !Files.exists(Path.of("/proc/" + p.pid())));
        assertThat(p.onExit().get(10, TimeUnit.SECONDS).exitValue()).isEqualTo(128 + 9);
    }
}
