package dev.linx.user.internal.ids;

import dev.linx.user.IdRange;
import dev.linx.user.internal.launch.Exits;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * Gives a workload's block back once no process is left in a namespace that maps it: the workload's own, or one its
 * processes made inside it. A workload that forked and exited leaves children that still hold the ids; the block
 * waits for them.
 *
 * <p>With a PID namespace, the workload's exit is enough: when the namespace's first process dies, the kernel kills
 * every other process in it and the helper reaps them before it exits. Without one, the kernel is asked at the
 * workload's exit and then again after 10 ms, doubling up to once a second. Either way on a virtual thread,
 * {@code linx-user-release}, never on the thread that saw the exit: giving a block back waits for the ledger's lock.
 */
public final class NamespaceRelease {

    static final Duration FIRST_RETRY = Duration.ofMillis(10);
    static final Duration LAST_RETRY = Duration.ofSeconds(1);

    private NamespaceRelease() {
    }

    /**
     * Releases {@code release} once the workload has exited and, without a PID namespace, no live namespace maps an
     * id of the blocks.
     */
    public static void afterExit(Process workload, boolean pidNamespace, IdRange uids, IdRange gids,
            Runnable release) {
        // Off the reaping thread, which only starts the thread: giving back waits for the ledger's lock.
        Exits.whenReaped(workload, () -> Thread.ofVirtual().name("linx-user-release").start(
                pidNamespace ? release : () -> releaseWhenUnmapped(uids, gids, release)));
    }

    private static void releaseWhenUnmapped(IdRange uids, IdRange gids, Runnable release) {
        long wait = FIRST_RETRY.toNanos();
        while (stillMapped(uids, gids)) {
            LockSupport.parkNanos(wait);
            wait = Math.min(wait * 2, LAST_RETRY.toNanos());
        }
        release.run();
    }

    /** Whether a live namespace maps the blocks; a scan that failed (no descriptor left, say) counts as yes. */
    private static boolean stillMapped(IdRange uids, IdRange gids) {
        try {
            return MappedIds.scan().touches(uids, gids);
        } catch (UncheckedIOException e) {
            return true;
        }
    }
}
