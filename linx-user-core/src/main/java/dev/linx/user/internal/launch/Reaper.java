package dev.linx.user.internal.launch;

import dev.linx.user.internal.sys.Epoll;
import dev.linx.user.internal.sys.ErrnoException;
import dev.linx.user.internal.sys.Syscalls;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reaps every {@link SpawnedProcess} of the JVM from one daemon thread: the children's pidfds sit in one epoll set, a
 * pidfd turns readable when its child exits, and the thread then reaps that child and no other.
 *
 * <p>One thread for all children, rather than the JDK's thread per child: a launch costs no thread start, and the
 * thread blocks in {@code epoll_wait(2)} without holding any lock. A platform thread in {@link Process#waitFor()}
 * polls the child's pidfd and reaps it itself; meanwhile the pidfd is out of the set, so the exit wakes only the
 * waiter. It never waits on {@code -1}, so it cannot steal the
 * exit status of a process the JDK or anyone else started.
 */
final class Reaper {

    private static final int BATCH = 64;
    private static final Object STARTING = new Object();
    /** The JVM's reaper once one started; guarded by {@link #STARTING} while {@code null}. */
    private static volatile Reaper instance;

    private final int epoll;
    private final ConcurrentHashMap<Integer, SpawnedProcess> watched = new ConcurrentHashMap<>();

    private Reaper(int epoll) {
        this.epoll = epoll;
    }

    /**
     * The JVM's reaper, started at first use. A start that fails (no descriptor left for the epoll set, no thread) is
     * not remembered: the next call tries again.
     *
     * @throws ErrnoException when the epoll set cannot be created
     */
    static Reaper instance() throws ErrnoException {
        Reaper reaper = instance;
        if (reaper == null) {
            synchronized (STARTING) {
                reaper = instance;
                if (reaper == null) {
                    reaper = start();
                    instance = reaper;
                }
            }
        }
        return reaper;
    }

    private static Reaper start() throws ErrnoException {
        int epoll;
        try (Syscalls sys = Syscalls.open()) {
            epoll = Epoll.create(sys);
        }
        Reaper reaper = new Reaper(epoll);
        try {
            Thread.ofPlatform().daemon().name("linx-user-reaper").start(reaper::run);
        } catch (RuntimeException | Error e) {
            try (Syscalls sys = Syscalls.open()) {
                sys.close(epoll);
            }
            throw e;
        }
        return reaper;
    }

    /** Reaps {@code process} once its pidfd reports the exit. */
    void watch(SpawnedProcess process, int pidfd) throws ErrnoException {
        watched.put(pidfd, process);
        try (Syscalls sys = Syscalls.open()) {
            Epoll.add(sys, epoll, pidfd);
        } catch (ErrnoException | RuntimeException e) {
            watched.remove(pidfd, process);
            throw e;
        }
    }

    /**
     * Stops watching a reaped child's pidfd, before it is closed: a waiter may have reaped it, and its pidfd would
     * otherwise stay readable in the set.
     *
     * @param inSet whether the pidfd is in the set now (not {@linkplain #pause paused})
     */
    void forget(SpawnedProcess process, int pidfd, boolean inSet) {
        if (watched.remove(pidfd, process) && inSet) {
            try (Syscalls sys = Syscalls.open()) {
                Epoll.delete(sys, epoll, pidfd);
            } catch (ErrnoException e) {
                // Not in the set: nothing to remove.
            }
        }
    }

    /**
     * Stops listening to a child's exit while a waiter polls its pidfd, so that the exit wakes one thread, not two.
     * The child stays known; {@link #resume} listens again.
     */
    void pause(int pidfd) {
        try (Syscalls sys = Syscalls.open()) {
            Epoll.delete(sys, epoll, pidfd);
        } catch (ErrnoException e) {
            // Not in the set: nothing to pause.
        }
    }

    /** Listens again to a child's exit after {@link #pause}; an exit meanwhile is reported at once. */
    void resume(int pidfd) {
        try (Syscalls sys = Syscalls.open()) {
            Epoll.add(sys, epoll, pidfd);
        } catch (ErrnoException e) {
            throw new IllegalStateException("could not watch pidfd " + pidfd + " again (errno " + e.errno() + ")");
        }
    }

    /** How many children are waiting to be reaped; for tests. */
    int watching() {
        return watched.size();
    }

    private void run() {
        int[] ready = new int[BATCH];
        while (true) {
            int n;
            try (Syscalls sys = Syscalls.open()) {
                n = Epoll.await(sys, epoll, ready);
            } catch (ErrnoException | RuntimeException e) {
                // epoll_wait fails only for a broken epoll descriptor; never spin on it.
                throw new IllegalStateException("the child reaper stopped", e);
            }
            for (int i = 0; i < n; i++) {
                SpawnedProcess process = watched.get(ready[i]);
                // A successful reap forgets the pidfd before closing it. Should the number already name a newer
                // child's pidfd, reaping that child finds it still running and changes nothing.
                if (process != null) {
                    process.reap();
                }
            }
        }
    }
}
