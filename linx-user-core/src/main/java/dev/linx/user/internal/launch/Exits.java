package dev.linx.user.internal.launch;

/**
 * Runs bookkeeping at a workload's exit on the thread that reaps it, without the hop to the common pool that
 * {@link Process#onExit()}'s stages take (a thread and a task per exit, on every start).
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
}
