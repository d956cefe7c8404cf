package dev.linx.user.internal.launch;

import dev.linx.user.internal.procfs.PinnedDir;
import dev.linx.user.internal.sys.ErrnoException;
import dev.linx.user.internal.sys.LibC;
import dev.linx.user.internal.sys.ProcessCalls;
import dev.linx.user.internal.sys.Syscalls;
import java.nio.charset.StandardCharsets;

/**
 * Turns the pid a helper reported into a pinned {@code /proc/<pid>} directory, after checking by the per-child marker
 * in its {@code cmdline} that the pid names this child and no other: the step that makes every later verb pid-safe.
 */
final class MarkerPin {

    private MarkerPin() {
    }

    /**
     * Opens the reported pid's {@code /proc} directory, checks that it is the child, and pins it. With a PID namespace
     * (the pid is not the spawned helper's) it also hands {@code process} a pidfd of the child, pid 1 of the namespace,
     * to end the namespace by: opened by pid after the check, and kept only if the checked process is still unreaped
     * afterwards, so that it names that process.
     */
    static PinnedDir pinAndVerify(long pid, String marker, SpawnedProcess process) {
        try (Syscalls sys = Syscalls.open()) {
            int dirfd = sys.open("/proc/" + pid, LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_CLOEXEC);
            boolean pinned = false;
            try {
                int cmdline = sys.openat(dirfd, "cmdline", LibC.O_RDONLY | LibC.O_CLOEXEC);
                byte[] args;
                try {
                    args = sys.readAll(cmdline, 64 * 1024);
                } finally {
                    sys.close(cmdline);
                }
                if (!marker.equals(argument(args, HelperCommand.MARKER_INDEX))) {
                    throw HelperExit.failure("the parked child vanished before it was pinned: pid " + pid
                            + " is another process");
                }
                if (pid != process.pid()) {
                    int pidfd;
                    try {
                        pidfd = ProcessCalls.pidfdOpen(sys, pid);
                    } catch (ErrnoException e) {
                        throw HelperExit.failure("could not open a pidfd of the parked child " + pid + " (errno "
                                + e.errno() + ")");
                    }
                    try {
                        ProcessCalls.pidfdSendSignal(sys, dirfd, 0);
                    } catch (ErrnoException e) {
                        sys.close(pidfd);
                        throw e;
                    }
                    process.adoptNamespaceInit(pid, pidfd);
                }
                PinnedDir pin = PinnedDir.pin(pid, dirfd);
                pinned = true;
                return pin;
            } finally {
                if (!pinned) {
                    sys.close(dirfd);
                }
            }
        } catch (ErrnoException e) {
            throw HelperExit.failure("the parked child vanished before it was pinned (errno " + e.errno()
                    + " on /proc/" + pid + ")");
        }
    }

    private static String argument(byte[] cmdline, int index) {
        int start = 0;
        for (int i = 0; i < index; i++) {
            while (start < cmdline.length && cmdline[start] != 0) {
                start++;
            }
            start++;
        }
        if (start >= cmdline.length) {
            return null;
        }
        int end = start;
        while (end < cmdline.length && cmdline[end] != 0) {
            end++;
        }
        return new String(cmdline, start, end - start, StandardCharsets.UTF_8);
    }
}
