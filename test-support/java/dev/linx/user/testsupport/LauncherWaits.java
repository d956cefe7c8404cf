package dev.linx.user.testsupport;

import static org.awaitility.Awaitility.await;

import dev.linx.user.UserNamespaceLauncher;
import java.time.Duration;

/**
 * The waits on a launcher's own state that the core's and the starter's tests share: its prepared children being
 * parked, and its isolated leases coming back. Both happen on threads of the launcher's, after the call that caused
 * them has returned.
 *
 * <pre>{@code
 * UserNamespaceLauncher launcher = UserNamespaceLauncher.builder(ops).prepared(2).build();
 * LauncherWaits.awaitReady(launcher, 2);   // the next two starts are hits
 * }</pre>
 */
public final class LauncherWaits {

    private LauncherWaits() {
    }

    /** Waits (up to 20 s) until {@code count} prepared children of the launcher wait ready. */
    public static void awaitReady(UserNamespaceLauncher launcher, int count) {
        await(count + " prepared children ready").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(2))
            .until(() -> launcher.prepared().orElseThrow().ready() >= count);
    }

    /**
     * Waits (up to 10 s) until every block of an isolated launcher's pool is back: a workload's lease goes back on a
     * thread of its own after the exit, and a test that ends before it would see that thread write the ledger into a
     * temporary directory being deleted.
     */
    public static void awaitGivenBack(UserNamespaceLauncher launcher) {
        UserNamespaceLauncher.Isolation isolation = launcher.isolation().orElseThrow();
        await("every block given back").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
            .until(() -> isolation.pool().usage(isolation.size()).leased() == 0);
    }
}
