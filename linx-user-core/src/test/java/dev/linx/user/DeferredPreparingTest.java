package dev.linx.user;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linx.user.UserNamespaceLauncher.PreparedStatus;
import dev.linx.user.testsupport.LauncherWaits;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code builder().prepared(n).deferPreparing()}: no child is parked until {@code startPreparing()}. */
@Tag("rootless")
@Timeout(60)
class DeferredPreparingTest {

    private final UserNamespaceLauncher launcher = UserNamespaceLauncher.builder(UserNamespaces.operations())
            .prepared(2).deferPreparing().build();

    @AfterEach
    void closeAndLeaveNothingBehind() {
        launcher.close();
        Kernel.assertNoChildLeft();
    }

    @Test
    void noChildIsParkedBeforeStartPreparing() throws Exception {
        Thread.sleep(200);   // what an eager pool needs to park its first child, several times over

        assertThat(ProcessHandle.current().children().count()).isZero();
        assertThat(launcher.prepared()).contains(new PreparedStatus(2, 0));
    }

    @Test
    void startPreparingFillsThePool() throws Exception {
        launcher.startPreparing();

        LauncherWaits.awaitReady(launcher, 2);
    }

    @Test
    void startPreparingTwiceKeepsOnePool() throws Exception {
        launcher.startPreparing();
        launcher.startPreparing();

        LauncherWaits.awaitReady(launcher, 2);
        Thread.sleep(100);
        assertThat(ProcessHandle.current().children().count()).as("parked children").isEqualTo(2);
    }

    @Test
    void startPreparingAfterCloseParksNothing() throws Exception {
        launcher.close();

        launcher.startPreparing();

        Thread.sleep(200);
        assertThat(ProcessHandle.current().children().count()).isZero();
    }

    @Test
    void aStartBeforeStartPreparingParksItsOwnChild() throws Exception {
        Process workload = launcher.start(List.of("true"));

        assertThat(workload.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(workload.exitValue()).isZero();
    }
}
