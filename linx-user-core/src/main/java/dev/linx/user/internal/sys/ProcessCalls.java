package dev.linx.user.internal.sys;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The system calls that name, signal and reap processes, each made in a {@link Syscalls} session, which holds the
 * native memory and captures {@code errno}: a pidfd for a child, its exit status through it, and signals by pidfd or,
 * for a child not yet reaped, by pid or process group.
 *
 * <pre>{@code
 * try (Syscalls sys = Syscalls.open()) {
 *     int pidfd = ProcessCalls.pidfdOpen(sys, pid);
 *     int status = ProcessCalls.reap(sys, pidfd);   // -1: still running
 * }
 * }</pre>
 */
public final class ProcessCalls {

    private ProcessCalls() {
    }

    /** {@code pidfd_open(2)}: a descriptor that names this process and no other, whatever happens to its pid. */
    public static int pidfdOpen(Syscalls sys, long pid) throws ErrnoException {
        long fd;
        try {
            fd = (long) LibC.Launch.PIDFD_OPEN.invokeExact(sys.capture(), LibC.SYS_PIDFD_OPEN, (int) pid, 0);
        } catch (Throwable t) {
            throw Syscalls.linkageFailure("pidfd_open", t);
        }
        if (fd < 0) {
            throw sys.failure("pidfd_open");
        }
        return (int) fd;
    }

    /**
     * Reaps an exited child through its pidfd ({@code waitid(P_PIDFD, WEXITED | WNOHANG)}).
     *
     * @return the exit status as {@link Process#exitValue()} reports it (128 + the signal for a killed child), or
     *         {@code -1} when the child has not exited yet
     */
    public static int reap(Syscalls sys, int pidfd) throws ErrnoException {
        MemorySegment info = sys.siginfo().fill((byte) 0);
        if (waitid(sys, LibC.P_PIDFD, pidfd, info, LibC.WEXITED | LibC.WNOHANG) < 0) {
            throw sys.failure("waitid");
        }
        if (info.get(ValueLayout.JAVA_INT, LibC.SIGINFO_PID) == 0) {
            return -1;
        }
        int status = info.get(ValueLayout.JAVA_INT, LibC.SIGINFO_STATUS);
        return info.get(ValueLayout.JAVA_INT, LibC.SIGINFO_CODE) == LibC.CLD_EXITED ? status : 0x80 + status;
    }

    /**
     * Kills a child of this process by pid and waits for it ({@code kill(SIGKILL)}, then a blocking
     * {@code waitid(P_PID, WEXITED)}, {@code EINTR} retried): for a child no pidfd could be opened for. A child not yet
     * reaped keeps its pid, so the pid names it and no other process until this call reaps it. A child that leads its
     * own process group (as {@link Spawn} starts them) is killed with its group, what it may have started already.
     */
    public static void killAndReapChild(Syscalls sys, long pid) throws ErrnoException {
        try {
            killProcessGroup(sys, pid, LibC.SIGKILL);
        } catch (ErrnoException e) {
            // ESRCH: the child leads no group (or has exited); it is killed by pid below.
        }
        kill(sys, (int) pid, LibC.SIGKILL);
        MemorySegment info = sys.siginfo();
        int result;
        do {
            result = waitid(sys, LibC.P_PID, (int) pid, info, LibC.WEXITED);
        } while (result < 0 && sys.errno() == LibC.EINTR);
        if (result < 0) {
            throw sys.failure("waitid");
        }
    }

    /** {@code waitid(2)}, its result as the kernel gave it: the callers handle a failure each its own way. */
    private static int waitid(Syscalls sys, int idtype, int id, MemorySegment info, int options) {
        try {
            return (int) LibC.Launch.WAITID.invokeExact(sys.capture(), idtype, id, info, options);
        } catch (Throwable t) {
            throw Syscalls.linkageFailure("waitid", t);
        }
    }

    /**
     * {@code kill(-pgid, signal)}: signals every process of a process group. Only for the group of a child of this
     * process that leads it and is not reaped yet: its pid is the group's id and can name no other group until then.
     */
    public static void killProcessGroup(Syscalls sys, long pgid, int signal) throws ErrnoException {
        kill(sys, (int) -pgid, signal);
    }

    /** {@code kill(2)}: a pid, or a process group as its negated id. */
    private static void kill(Syscalls sys, int target, int signal) throws ErrnoException {
        int result;
        try {
            result = (int) LibC.Launch.KILL.invokeExact(sys.capture(), target, signal);
        } catch (Throwable t) {
            throw Syscalls.linkageFailure("kill", t);
        }
        if (result < 0) {
            throw sys.failure("kill");
        }
    }

    /** {@code pidfd_send_signal(2)} through a pidfd or an open {@code /proc/<pid>} directory. */
    public static void pidfdSendSignal(Syscalls sys, int pidfd, int signal) throws ErrnoException {
        long result;
        try {
            result = (long) LibC.PIDFD_SEND_SIGNAL.invokeExact(sys.capture(), LibC.pidfdSendSignalNumber(), pidfd,
                    signal, MemorySegment.NULL, 0);
        } catch (Throwable t) {
            throw Syscalls.linkageFailure("pidfd_send_signal", t);
        }
        if (result < 0) {
            throw sys.failure("pidfd_send_signal");
        }
    }
}
