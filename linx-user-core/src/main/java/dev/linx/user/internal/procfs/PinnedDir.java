package dev.linx.user.internal.procfs;

import dev.linx.user.internal.sys.ErrnoException;
import dev.linx.user.internal.sys.LibC;
import dev.linx.user.internal.sys.ProcessCalls;
import dev.linx.user.internal.sys.Syscalls;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An open {@code /proc/<pid>} directory held for a parked child, registered by pid so that every verb given that pid
 * goes through this descriptor. The descriptor stays bound to the process it was opened for: once that process is
 * gone, calls through it fail ({@code ENOENT}/{@code ESRCH}) instead of reaching a process that reused the pid.
 *
 * <p>A verb {@linkplain #acquire() acquires} the directory for its whole duration, so {@link #close()} never closes the
 * descriptor under a write in progress.
 */
public final class PinnedDir implements AutoCloseable {

    private static final ConcurrentHashMap<Long, PinnedDir> BY_PID = new ConcurrentHashMap<>();

    private final long pid;
    private final int fd;
    private final ReentrantLock lock = new ReentrantLock();
    private boolean closed;

    private PinnedDir(long pid, int fd) {
        this.pid = pid;
        this.fd = fd;
    }

    /**
     * Takes ownership of an open {@code /proc/<pid>} directory descriptor, already verified to be the intended
     * process, and routes the pid's verbs through it.
     */
    public static PinnedDir pin(long pid, int fd) {
        PinnedDir dir = new PinnedDir(pid, fd);
        BY_PID.put(pid, dir);
        return dir;
    }

    /** The pinned directory for a pid, or {@code null}. */
    static PinnedDir lookup(long pid) {
        return BY_PID.get(pid);
    }

    /** The pid the directory was opened for. */
    public long pid() {
        return pid;
    }

    /**
     * Locks the directory for one verb.
     *
     * @return the descriptor, or {@code -1} if the pin was already released (the pid may then name another process)
     */
    int acquire() {
        lock.lock();
        if (closed) {
            lock.unlock();
            return -1;
        }
        return fd;
    }

    /** Ends a verb started with a successful {@link #acquire()}. */
    void release() {
        lock.unlock();
    }

    /**
     * Sends {@code SIGKILL} through the descriptor, so it can only reach the pinned process.
     *
     * @return whether the signal was sent ({@code false} when the process is already gone or the pin was released)
     */
    public boolean kill() {
        int dirfd = acquire();
        if (dirfd < 0) {
            return false;
        }
        try (Syscalls sys = Syscalls.open()) {
            ProcessCalls.pidfdSendSignal(sys, dirfd, LibC.SIGKILL);
            return true;
        } catch (ErrnoException e) {
            return false;
        } finally {
            release();
        }
    }

    /**
     * Whether the pinned process has not exited: its {@code stat} reads through the descriptor, and its state is
     * neither zombie nor dead. {@code false} once the pin is released.
     */
    public boolean isRunning() {
        int dirfd = acquire();
        if (dirfd < 0) {
            return false;
        }
        try (Syscalls sys = Syscalls.open()) {
            int stat = sys.openat(dirfd, "stat", LibC.O_RDONLY | LibC.O_CLOEXEC);
            byte[] text;
            try {
                text = sys.readAll(stat, 1024);
            } finally {
                sys.close(stat);
            }
            // "pid (comm) S ...": comm may hold spaces and parentheses, the state follows the last ')'.
            for (int i = text.length - 1; i >= 0; i--) {
                if (text[i] == ')') {
                    return i + 2 < text.length && text[i + 2] != 'Z' && text[i + 2] != 'X';
                }
            }
            return false;
        } catch (ErrnoException e) {
            return false;
        } finally {
            release();
        }
    }

    /** Unregisters the pid and closes the descriptor, waiting for a verb in progress to finish. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            BY_PID.remove(pid, this);
            try (Syscalls sys = Syscalls.open()) {
                sys.close(fd);
            }
        } finally {
            lock.unlock();
        }
    }
}
