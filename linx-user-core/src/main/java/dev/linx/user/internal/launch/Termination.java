package dev.linx.user.internal.launch;

import dev.linx.user.internal.sys.ErrnoException;
import dev.linx.user.internal.sys.LibC;
import dev.linx.user.internal.sys.ProcessCalls;
import dev.linx.user.internal.sys.Syscalls;
import java.nio.charset.StandardCharsets;

/**
 * How {@code destroy()} and {@code destroyForcibly()} reach every process of a workload, and only those.
 *
 * <p>Without a PID namespace the workload is a process group: the spawned child leads a group of its own, and what it
 * starts stays in that group unless it leaves (a shell with job control, {@code setsid}). The group is signalled by
 * its id, which is the leader's pid: while the leader is unreaped its pid, and so the group id, can name no other
 * process or group. The leader is also signalled through its pidfd, in case it left the group itself.
 *
 * <p>With a PID namespace the workload is every process of that namespace. Its pid 1 is signalled through a pidfd
 * (it is the child of the helper's shell, not of the JVM): once pid 1 ends, the kernel kills every other process of
 * the namespace before the shell sees the exit, so by the time the spawned helper is reaped, nothing of the namespace
 * is left. The kernel drops a signal sent to a namespace's pid 1 that pid 1 does not handle ({@code SIGKILL} aside),
 * so a {@code SIGTERM} goes to it only when it handles {@code SIGTERM}; otherwise it is killed, as {@code SIGTERM}
 * would have ended an ordinary process.
 *
 * <p>Killing the helper would not do: a parent-death signal such as {@code unshare --kill-child} sets is cleared by the
 * kernel when the workload's {@code exec} raises its capabilities (root inside, once the maps exist), so the namespace
 * would run on, reparented to the host's init.
 */
final class Termination {

    /** {@code SigCgt} bit of {@code SIGTERM} in {@code /proc/<pid>/status}. */
    private static final long SIGTERM_BIT = 1L << (LibC.SIGTERM - 1);
    private static final int MAX_STATUS = 8 * 1024;

    private Termination() {
    }

    /**
     * Signals a workload without a PID namespace: its process group, then its leader. The caller guarantees that the
     * leader is not reaped.
     *
     * @return whether a signal was sent
     */
    static boolean group(Syscalls sys, long leader, int leaderPidfd, int signal) {
        boolean sent = false;
        try {
            ProcessCalls.killProcessGroup(sys, leader, signal);
            sent = true;
        } catch (ErrnoException e) {
            // ESRCH: nobody is left in the group (the leader left it, or has exited).
        }
        try {
            ProcessCalls.pidfdSendSignal(sys, leaderPidfd, signal);
            sent = true;
        } catch (ErrnoException e) {
            // ESRCH: the leader has exited and waits to be reaped.
        }
        return sent;
    }

    /**
     * Signals pid 1 of a workload's PID namespace through its pidfd: {@code SIGKILL} when forcibly, else
     * {@code SIGTERM} if it handles that signal, {@code SIGKILL} if not.
     *
     * @param init the host pid of the namespace's pid 1
     * @param initPidfd a pidfd of that process
     * @return whether the signal was sent ({@code false} once pid 1 is gone)
     */
    static boolean namespace(Syscalls sys, long init, int initPidfd, boolean forcibly) {
        int signal = forcibly || !handlesSigterm(sys, init, initPidfd) ? LibC.SIGKILL : LibC.SIGTERM;
        try {
            ProcessCalls.pidfdSendSignal(sys, initPidfd, signal);
            return true;
        } catch (ErrnoException e) {
            return false;
        }
    }

    /**
     * Whether the process has a handler for {@code SIGTERM} ({@code SigCgt} of its status). Read by pid, then checked
     * through the pidfd: a process that is still there after the read held its pid throughout, so the status read was
     * its own.
     */
    private static boolean handlesSigterm(Syscalls sys, long pid, int pidfd) {
        try {
            int fd = sys.open("/proc/" + pid + "/status", LibC.O_RDONLY | LibC.O_CLOEXEC);
            String status;
            try {
                status = new String(sys.readAll(fd, MAX_STATUS), StandardCharsets.US_ASCII);
            } finally {
                sys.close(fd);
            }
            ProcessCalls.pidfdSendSignal(sys, pidfd, 0);
            int at = status.indexOf("\nSigCgt:");
            if (at < 0) {
                return false;
            }
            int end = status.indexOf('\n', at + 1);
            String mask = status.substring(at + "\nSigCgt:".length(), end < 0 ? status.length() : end).strip();
            return (Long.parseUnsignedLong(mask, 16) & SIGTERM_BIT) != 0;
        } catch (ErrnoException | NumberFormatException e) {
            return false;
        }
    }
}
