package dev.linx.user.internal.launch;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A workload's exit: bookkeeping run on the thread that reaps it, without the hop to the common pool that
 * {@link Process#onExit()}'s stages take (a thread and a task per exit, on every start); and a wait for it that an
 * interrupt does not cut short.
 *
 * <pre>{@code
 * Exits.whenReaped(workload, () -> live.remove(workload));
 * }</pre>
 */
public final class Exits {

    private Exits() {
    }

    /**
     * Runs {@code action} once {@code process} has exited and been reaped (at once if it has): on the reaping thread
     * for a process this library started, so it must be short and never block.
     *
     * @param process a workload
     * @param action quick, non-blocking bookkeeping
     */
    public static void whenReaped(Process process, Runnable action) {
        if (process instanceof SpawnedProcess spawned) {
            spawned.whenReaped(action);
        } else {
            process.onExit().thenRun(action);
        }
    }

    /**
     * Waits for {@code process} to exit, at most {@code limit}, through interrupts: one that comes during the wait is
     * kept pending for the caller, so cleanup that must finish (a kill and its reap) does.
     *
     * @param process the process to wait for
     * @param limit the longest wait; {@code null} for none
     */
    public static void await(Process process, Duration limit) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    if (limit == null) {
                        process.waitFor();
                    } else {
                        process.waitFor(limit.toNanos(), TimeUnit.NANOSECONDS);
                    }
                    return;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
