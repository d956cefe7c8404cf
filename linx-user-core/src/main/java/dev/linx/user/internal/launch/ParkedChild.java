package dev.linx.user.internal.launch;

import dev.linx.user.UserNamespaceLimitException;
import dev.linx.user.internal.host.HostCauses;
import dev.linx.user.internal.procfs.PinnedDir;
import dev.linx.user.internal.sys.ErrnoException;
import dev.linx.user.internal.sys.LibC;
import dev.linx.user.internal.sys.Syscalls;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A child started through the {@link HelperCommand}, held at the checkpoint until {@link #proceed()} or
 * {@link #close()}.
 *
 * <p>Pid safety: the pid the child reports is opened as a {@code /proc/<pid>} directory and checked against the
 * child's per-child marker before it is {@linkplain PinnedDir pinned}; from then on every verb given that pid, and the
 * kill in {@link #close()}, go through that descriptor and so reach this child or nothing.
 */
public final class ParkedChild {

    private static final AtomicLong SEQUENCE = new AtomicLong();
    private static final int MAX_READY_LINE = 64;
    private static final int MAX_HELPER_MESSAGE = 4096;
    private static final Duration EXIT_AFTER_KILL = Duration.ofSeconds(5);
    private static final long INTERRUPT_CHECK_MILLIS = 100;
    private static final byte[] RELEASE_LINE = {'\n'};

    private enum State { PARKED, PROCEEDED, CLOSED }

    private final Process process;
    private final long hostPid;
    private final PinnedDir pin;
    private final boolean argvAtRelease;
    private State state = State.PARKED;

    private ParkedChild(Process process, long hostPid, PinnedDir pin, boolean argvAtRelease) {
        this.process = process;
        this.hostPid = hostPid;
        this.pin = pin;
        this.argvAtRelease = argvAtRelease;
    }

    /**
     * Starts the helper and returns once the child sits at the checkpoint in its new namespaces.
     *
     * @throws UncheckedIOException when the helper cannot be started, fails, or is not ready in time; no process is
     *         left behind
     */
    public static ParkedChild park(ParkSpec spec) {
        String marker = "linx-parked-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet() + "-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong());
        List<String> command = HelperCommand.build(spec, marker);
        if (!spec.argvAtRelease()) {
            requireWorkload(spec.argv(), spec.environment(), spec.directory());
        }
        SpawnedProcess process;
        try {
            process = SpawnedProcess.start(command, spec.environment(), spec.directory());
        } catch (UncheckedIOException e) {
            throw new UncheckedIOException("could not start the namespace helper " + command.getFirst(), e.getCause());
        }
        PinnedDir pin = null;
        try {
            long pid = awaitReady(process, spec.readinessTimeout());
            pin = pinAndVerify(pid, marker, process);
            return new ParkedChild(process, pid, pin, spec.argvAtRelease());
        } catch (RuntimeException | Error e) {
            destroyAndReap(process, pin);
            throw e;
        }
    }

    /** The child's pid as the host sees it: the one for {@code /proc/<pid>} writes. */
    public long hostPid() {
        return hostPid;
    }

    /**
     * Releases the child: it {@code exec}s the workload, which runs with the stdin, stdout and stderr of the returned
     * process.
     *
     * @throws IllegalStateException when the child already proceeded or was closed
     */
    public Process proceed() {
        if (argvAtRelease) {
            throw new IllegalStateException("a prepared child is released with its argv");
        }
        return release(RELEASE_LINE);
    }

    /**
     * Releases a child parked with {@link ParkSpec#argvAtRelease()}: hands it {@code argv} ({@link ArgvHandover}),
     * which it {@code exec}s, looked up on the PATH, with the stdin, stdout and stderr of the returned process.
     *
     * @throws IllegalStateException when the child already proceeded or was closed, or got its argv when parked
     * @throws UncheckedIOException when the child died while parked (it is then reaped)
     */
    public Process proceed(List<String> argv) {
        if (!argvAtRelease) {
            throw new IllegalStateException("this child got its argv when it was parked");
        }
        return release(ArgvHandover.encode(argv));
    }

    private synchronized Process release(byte[] message) {
        if (state != State.PARKED) {
            throw new IllegalStateException("the child has already " + (state == State.PROCEEDED ? "proceeded" : "been closed"));
        }
        // From here on the pid is an ordinary running process: unpin before the workload can run.
        pin.close();
        try {
            OutputStream stdin = process.getOutputStream();
            stdin.write(message);
            stdin.flush();
        } catch (IOException e) {
            state = State.CLOSED;
            destroyAndReap(process, null);
            throw new UncheckedIOException("the parked child " + hostPid + " died before it could proceed", e);
        }
        state = State.PROCEEDED;
        return process;
    }

    /**
     * Whether the child still waits at the checkpoint: neither released nor closed, and alive (not exited, not a
     * zombie) as far as the kernel says now. A child killed this very moment may still look alive.
     */
    public synchronized boolean isParked() {
        return state == State.PARKED && process.isAlive() && pin.isRunning();
    }

    /** Completes when the helper process has exited and been reaped, whether parked, released or closed. */
    public CompletableFuture<Process> onExit() {
        return process.onExit();
    }

    /**
     * Checks, before anything irreversible, that a prepared child could {@code exec} {@code argv}: its program is found
     * on the PATH the child will search, and no argument is too long for {@code execve(2)}; as a cold start would
     * find when it parks.
     *
     * @throws UncheckedIOException naming what is wrong
     */
    public static void checkWorkload(List<String> argv) {
        if (!ArgvHandover.fitsExec(argv)) {
            String message = "an argument is longer than execve(2) takes (" + ArgvHandover.MAX_ARG_BYTES
                    + " bytes with its terminating NUL)";
            throw new UncheckedIOException(message, new IOException(message));
        }
        requireWorkload(argv, Map.of(), null);
    }

    private static void requireWorkload(List<String> argv, Map<String, String> environment, Path directory) {
        String path = environment.containsKey("PATH") ? environment.get("PATH") : System.getenv("PATH");
        Executables.requireWorkload(argv.getFirst(), path, directory);
    }

    /** Kills and reaps the child if it never proceeded; leaves a released workload alone. Idempotent. */
    public synchronized void close() {
        if (state == State.PARKED) {
            state = State.CLOSED;
            destroyAndReap(process, pin);
        }
    }

    private static long awaitReady(SpawnedProcess process, Duration timeout) {
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
                    throw failure("the child did not reach the checkpoint within " + timeout);
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
            throw failure("could not read the child's readiness (errno " + e.errno() + ")");
        }
    }

    private static UncheckedIOException helperFailure(Process process, String line) {
        String status = "";
        String message;
        if (line == null) {
            message = "";
            // End of output: the helper is exiting; its stderr says why (unshare's own words, for humans only).
            waitFor(process, EXIT_AFTER_KILL);
            if (!process.isAlive()) {
                status = " (exit status " + process.exitValue() + ")";
                message = readQuietly(process.getErrorStream());
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
        return failure(text);
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

    /**
     * Opens the reported pid's {@code /proc} directory, checks that it is the child, and pins it. With a PID namespace
     * (the pid is not the spawned helper's) it also hands {@code process} a pidfd of the child, pid 1 of the namespace,
     * to end the namespace by: opened by pid after the check, and kept only if the checked process is still unreaped
     * afterwards, so that it names that process.
     */
    private static PinnedDir pinAndVerify(long pid, String marker, SpawnedProcess process) {
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
                    throw failure("the parked child vanished before it was pinned: pid " + pid + " is another process");
                }
                if (pid != process.pid()) {
                    int pidfd;
                    try {
                        pidfd = sys.pidfdOpen(pid);
                    } catch (ErrnoException e) {
                        throw failure("could not open a pidfd of the parked child " + pid + " (errno " + e.errno()
                                + ")");
                    }
                    try {
                        sys.pidfdSendSignal(dirfd, 0);
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
            throw failure("the parked child vanished before it was pinned (errno " + e.errno() + " on /proc/" + pid
                    + ")");
        }
    }

    private static UncheckedIOException failure(String message) {
        return new UncheckedIOException(message, new IOException(message));
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

    /**
     * Kills the child and reaps everything the helper started. The pinned child is signalled through its descriptor;
     * with a PID namespace, unshare then reaps it and exits by itself, so no zombie is left for init.
     */
    private static void destroyAndReap(Process process, PinnedDir pin) {
        if (pin != null) {
            boolean signalled = pin.kill();
            pin.close();
            if (signalled) {
                waitFor(process, EXIT_AFTER_KILL);
            }
        }
        process.destroyForcibly();
        waitFor(process, null);
        closeQuietly(process.getOutputStream());
        closeQuietly(process.getInputStream());
        closeQuietly(process.getErrorStream());
    }

    /** Waits for the process to exit, at most {@code limit} ({@code null}: no limit), keeping an interrupt pending. */
    private static void waitFor(Process process, Duration limit) {
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

    private static String readQuietly(InputStream in) {
        try {
            return new String(in.readNBytes(MAX_HELPER_MESSAGE), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return "";
        }
    }

    private static void closeQuietly(AutoCloseable stream) {
        try {
            stream.close();
        } catch (Exception e) {
            // Nothing more to release: the process is gone.
        }
    }
}
