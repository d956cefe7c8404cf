package dev.linx.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.linx.user.UserNamespaceLauncher.Launch;
import dev.linx.user.UserNamespaceLauncher.Listener;
import dev.linx.user.UserNamespaceLauncher.PreparedResult;
import dev.linx.user.testsupport.LauncherWaits;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What a launcher's {@link Listener}s hear of each start, against the real kernel. */
@Tag("rootless")
@Timeout(60)
class LauncherListenerTest {

    private final UserNamespaceOperations ops = UserNamespaces.operations();
    private final List<String> heard = Collections.synchronizedList(new ArrayList<>());
    private final List<UserNamespaceLauncher> launchers = new ArrayList<>();
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void leaveNothingBehind() throws Exception {
        for (Process workload : started) {
            workload.destroyForcibly();
            workload.waitFor();
        }
        launchers.forEach(UserNamespaceLauncher::close);
        Kernel.assertNoChildLeft();
    }

    /** Writes every phase it hears into {@link #heard}, with the pid where the phase has one. */
    private final class Recording implements Launch {

        @Override
        public void prepared(PreparedResult result) {
            heard.add("prepared " + result);
        }

        @Override
        public void parked(long hostPid) {
            heard.add("parked " + hostPid);
        }

        @Override
        public void mapped(long hostPid) {
            heard.add("mapped " + hostPid);
        }

        @Override
        public void released(Workload workload) {
            heard.add("released " + workload.pid());
        }

        @Override
        public void failed(Throwable error) {
            heard.add("failed " + error.getMessage());
        }
    }

    private UserNamespaceLauncher.Builder recorded() {
        return UserNamespaceLauncher.builder(ops).listener(launcher -> new Recording());
    }

    private Process start(UserNamespaceLauncher launcher) throws Exception {
        Process workload = launcher.start(List.of("true"));
        started.add(workload);
        assertThat(workload.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return workload;
    }

    @Test
    void aColdStartIsHeardParkedThenMappedThenReleasedWithOnePid() throws Exception {
        UserNamespaceLauncher launcher = recorded().build();

        Process workload = start(launcher);

        long pid = workload.pid();
        assertThat(heard).containsExactly("parked " + pid, "mapped " + pid, "released " + pid);
    }

    @Test
    void aPreparedHitIsHeardAsAHitThenReleasedWithoutParkingOrMapping() throws Exception {
        UserNamespaceLauncher launcher = recorded().prepared(1).build();
        launchers.add(launcher);
        LauncherWaits.awaitReady(launcher, 1);

        Process workload = start(launcher);

        assertThat(heard).containsExactly("prepared HIT", "released " + workload.pid());
    }

    @Test
    void aPreparedMissIsHeardAsAMissThenAsAColdStart() throws Exception {
        UserNamespaceLauncher launcher = recorded().prepared(1).deferPreparing().build();
        launchers.add(launcher);

        Process workload = start(launcher);

        long pid = workload.pid();
        assertThat(heard).containsExactly("prepared MISS", "parked " + pid, "mapped " + pid, "released " + pid);
    }

    @Test
    void aFailedStartIsHeardAsFailedWithWhatItThrowsAndNeverReleased() {
        UserNamespaceLauncher launcher = recorded().build();

        assertThatThrownBy(() -> launcher.start(List.of("true"), pid -> {
            throw new IllegalStateException("refused at the checkpoint");
        })).hasMessage("refused at the checkpoint");

        assertThat(heard).hasSize(3);
        assertThat(heard.get(0)).startsWith("parked ");
        assertThat(heard.get(1)).startsWith("mapped ");
        assertThat(heard.get(2)).isEqualTo("failed refused at the checkpoint");
    }

    @Test
    void aBadArgvIsHeardAsFailedBeforeAnyChildIsParked() {
        UserNamespaceLauncher launcher = recorded().build();

        assertThatThrownBy(() -> launcher.start(List.of())).isInstanceOf(IllegalArgumentException.class);

        assertThat(heard).singleElement().asString().startsWith("failed ");
    }

    @Test
    void everyListenerHearsEveryStartInTheOrderTheyWereAdded() throws Exception {
        UserNamespaceLauncher launcher = UserNamespaceLauncher.builder(ops)
                .listener(l -> new Launch() {
                    @Override
                    public void released(Workload workload) {
                        heard.add("first");
                    }
                })
                .listener(l -> new Launch() {
                    @Override
                    public void released(Workload workload) {
                        heard.add("second");
                    }
                }).build();

        start(launcher);

        assertThat(heard).containsExactly("first", "second");
    }

    @Test
    void aListenerIsGivenTheLauncherThatStarts() throws Exception {
        AtomicReference<UserNamespaceLauncher> given = new AtomicReference<>();
        UserNamespaceLauncher launcher = UserNamespaceLauncher.builder(ops).listener(l -> {
            given.set(l);
            return Launch.NONE;
        }).build();

        start(launcher);

        assertThat(given).hasValue(launcher);
    }

    @Test
    void aListenerThatThrowsWhenParkedEndsTheStartAndLeavesNoChild() {
        UserNamespaceLauncher launcher = UserNamespaceLauncher.builder(ops).listener(l -> new Launch() {
            @Override
            public void parked(long hostPid) {
                throw new IllegalStateException("meter down");
            }
        }).build();

        assertThatThrownBy(() -> launcher.start(List.of("true"))).hasMessage("meter down");
        // @AfterEach: no child is left.
        assertThat(launcher.workloads()).isEmpty();
    }

    @Test
    void aListenerThatThrowsWhenReleasedEndsTheWorkload() throws Exception {
        AtomicReference<Long> pid = new AtomicReference<>();
        UserNamespaceLauncher launcher = UserNamespaceLauncher.builder(ops).listener(l -> new Launch() {
            @Override
            public void released(Workload workload) {
                pid.set(workload.pid());
                throw new IllegalStateException("meter down");
            }
        }).build();

        assertThatThrownBy(() -> launcher.start(List.of("sleep", "60"))).hasMessage("meter down");

        Kernel.awaitGone(pid.get());
        LauncherWorkloadsTest.awaitNoWorkload(launcher);
    }

    @Test
    void everyListenerHearsTheReleaseWhenAnEarlierOneThrows() {
        UserNamespaceLauncher launcher = UserNamespaceLauncher.builder(ops)
                .listener(l -> new Launch() {
                    @Override
                    public void released(Workload workload) {
                        throw new IllegalStateException("meter down");
                    }
                })
                .listener(l -> new Recording()).build();

        assertThatThrownBy(() -> launcher.start(List.of("true"))).hasMessage("meter down");

        assertThat(heard).last().asString().startsWith("released ");
    }

    @Test
    void theListenersThatBeganHearTheFailureWhenALaterOneThrowsAtTheStart() {
        UserNamespaceLauncher launcher = UserNamespaceLauncher.builder(ops)
                .listener(l -> new Recording())
                .listener(l -> {
                    throw new IllegalStateException("no launch");
                }).build();

        assertThatThrownBy(() -> launcher.start(List.of("true"))).hasMessage("no launch");

        assertThat(heard).containsExactly("failed no launch");
    }

    @Test
    void preparedResultsHearsOnlyHitsAndMisses() throws Exception {
        List<PreparedResult> results = Collections.synchronizedList(new ArrayList<>());
        UserNamespaceLauncher launcher = UserNamespaceLauncher.builder(ops).prepared(1).deferPreparing()
                .listener(Listener.preparedResults(results::add)).build();
        launchers.add(launcher);

        start(launcher);

        assertThat(results).containsExactly(PreparedResult.MISS);
    }
}
