package dev.linx.user.internal.launch;

import dev.linx.user.UserNamespaceLimitException;
import dev.linx.user.internal.host.HostCauses;
import dev.linx.user.internal.sys.ErrnoException;
import dev.linx.user.internal.sys.LibC;
import dev.linx.user.internal.sys.Syscalls;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Reads the readiness line a freshly spawned helper prints at the checkpoint ({@link HelperCommand#READY} and its host
 * pid), and turns a helper that failed before it into an error that says why.
 */
final class HelperReadiness {

    private static final int MAX_READY_LINE = 64;
    private static final long INTERRUPT_CHECK_MILLIS = 100;

    private HelperReadiness() {
    }

    /**
     * The host pid the helper reports once it sits at the checkpoint; the raw readiness descriptor is closed either
     * way.
     *
     * @throws UncheckedIOException when the helper fails, prints something else, or is not ready within
     *         {@code timeout}
     */
    static long awaitReady(SpawnedProcess process, Duration timeout) {
        String line;
        try {
            line = readLine(process, timeout);
        } finally {
            process.closeReadinessFd();
        }
        if (line == null || !line.startsWith(HelperCommand.READY)) {
            throw helperFailure(process, line);
        }
        try {
            long pid = Long.parseLong(line.substring(HelperCommand.READY.length()).strip());
            if (pid <= 0) {
                throw new NumberFormatException("not positive");
            }
            return pid;
        } catch (NumberFormatException e) {
            throw helperFailure(process, line);
        }
    }

    /**
     * The readiness line from the helper's stdout, or {@code null} at end of input. Read from the raw descriptor with a
     * time limit, in slices so that an interrupt is noticed. It cannot take a byte of the workload's output: the
     * helper prints the line and then blocks until released.
     */
    private static String readLine(SpawnedProcess process, Duration timeout) {
        // Saturated: a timeout past Long.MAX_VALUE ns (292 years) is no limit, not an ArithmeticException after the
        // child was spawned. The deadline may wrap; the difference below does not.
        long deadline = System.nanoTime() + TimeUnit.NANOSECONDS.convert(timeout);
        byte[] line = new byte[MAX_READY_LINE];
        int length = 0;
        int fd = process.readinessFd();
        try (Syscalls sys = Syscalls.open()) {
            while (true) {
                if (Thread.currentThread().isInterrupted()) {
                    String message = "interrupted while waiting for the child to reach the checkpoint";
                    throw new UncheckedIOException(message, new InterruptedIOException(message));
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw HelperExit.failure("the child did not reach the checkpoint within " + timeout);
                }
                int slice = (int) Math.min(INTERRUPT_CHECK_MILLIS, TimeUnit.NANOSECONDS.toMillis(left + 999_999));
                if (sys.poll(fd, LibC.POLLIN, slice) == 0) {
                    continue;
                }
                int n = sys.read(fd, line, length, line.length - length);
                if (n == 0) {
                    return length == 0 ? null : new String(line, 0, length, StandardCharsets.US_ASCII);
                }
                length += n;
                for (int i = 0; i < length; i++) {
                    if (line[i] == '\n') {
                        return new String(line, 0, i, StandardCharsets.US_ASCII);
                    }
                }
                if (length == line.length) {
                    return new String(line, 0, length, StandardCharsets.US_ASCII);
                }
            }
        } catch (ErrnoException e) {
            throw HelperExit.failure("could not read the child's readiness (errno " + e.errno() + ")");
        }
    }

    private static UncheckedIOException helperFailure(SpawnedProcess process, String line) {
        String status = "";
        String message;
        if (line == null) {
            message = "";
            // End of output: the helper is exiting; its stderr says why (unshare's own words, for humans only).
            Exits.await(process, HelperExit.EXIT_AFTER_KILL);
            if (!process.isAlive()) {
                status = " (exit status " + process.exitValue() + ")";
                message = HelperExit.readQuietly(process.getErrorStream());
            }
        } else {
            message = "unexpected output '" + line + "'";
        }
        String text = "the namespace helper failed before the checkpoint" + status
                + (message.isEmpty() ? "" : ": " + message);
        if (line == null) {
            long limit = userNamespaceLimit();
            if (limit == 0) {
                String why = text + " (" + UserNamespaceLimitException.SYSCTL
                        + " is 0: no user namespace may be created)";
                return new UncheckedIOException(why, new UserNamespaceLimitException(limit, why));
            }
            return HostCauses.explain(text);
        }
        return HelperExit.failure(text);
    }

    /**
     * The user-namespace limit of this JVM's user namespace, read from the kernel after a helper failure (the helper
     * passes on only text, which is never parsed for an errno); {@code -1} when it cannot be read.
     */
    private static long userNamespaceLimit() {
        try (Syscalls sys = Syscalls.open()) {
            int fd = sys.open(UserNamespaceLimitException.SYSCTL.toString(), LibC.O_RDONLY | LibC.O_CLOEXEC);
            try {
                return Long.parseLong(new String(sys.readAll(fd, 64), StandardCharsets.US_ASCII).strip());
            } finally {
                sys.close(fd);
            }
        } catch (ErrnoException | NumberFormatException e) {
            return -1;
        }
    }
}
