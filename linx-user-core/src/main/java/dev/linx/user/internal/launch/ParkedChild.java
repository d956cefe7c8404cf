package dev.linx.user.internal.launch;

import dev.linx.user.internal.procfs.PinnedDir;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A child started through the {@link HelperCommand}, held at the checkpoint until {@link #proceed()} or
 * {@link #close()}.
 *
 * <p>Pid safety: the pid the child reports is opened as a {@code /proc/<pid>} directory and checked against the
 * child's per-child marker before it is {@linkplain PinnedDir pinned}; from then on every verb given that pid, and the
 * kill in {@link #close()}, go through that descriptor and so reach this child or nothing ({@link MarkerPin}).
 *
 * <p>This class holds the child's state; reading its readiness is {@link HelperReadiness}'s job, ending a child that
 * never proceeded {@link HelperExit}'s.
 */
public final class ParkedChild {

    private static final AtomicLong SEQUENCE = new AtomicLong();
    /** A JVM's environment never changes: read once, not on every start. */
    private static final String JVM_PATH = System.getenv("PATH");
    private static final byte[] RELEASE_LINE = {'\n'};

    private enum State { PARKED, PROCEEDED, CLOSED }

    private final SpawnedProcess process;
    private final long hostPid;
    private final PinnedDir pin;
    private final boolean argvAtRelease;
    private State state = State.PARKED;

    private ParkedChild(SpawnedProcess process, long hostPid, PinnedDir pin, boolean argvAtRelease) {
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
            long pid = HelperReadiness.awaitReady(process, spec.readinessTimeout());
            pin = MarkerPin.pinAndVerify(pid, marker, process);
            return new ParkedChild(process, pid, pin, spec.argvAtRelease());
        } catch (RuntimeException | Error e) {
            HelperExit.destroyAndReap(process, pin);
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
            HelperExit.destroyAndReap(process, null);
            throw new UncheckedIOException("the parked child " + hostPid + " died before it could proceed", e);
        }
        state = State.PROCEEDED;
        return process;
    }

    /**
     * Whether the child still waits at the checkpoint: neither released nor closed, and alive (not exited, not a
     * zombie) as far as the kernel says now. A child killed this very moment may still look alive. One
     * {@code poll(2)} of a pidfd (two with a PID namespace): this runs on every prepared start.
     */
    public synchronized boolean isParked() {
        return state == State.PARKED && !process.anyExited();
    }

    /**
     * Runs {@code action} on the thread that reaps the helper (at once if it is reaped already), whether parked,
     * released or closed: it must be short and never block.
     */
    public void whenExited(Runnable action) {
        process.whenReaped(action);
    }

    /** Completes when the helper process has exited and been reaped, whether parked, released or closed. */
    public CompletableFuture<Process> onExit() {
        return process.onExit();
    }

    /**
     * Checks, before anything irreversible, that a prepared child could {@code exec} {@code argv}: its program is found
     * on the PATH the child will search, and {@code execve(2)} takes the argv with the JVM's environment
     * ({@link ExecLimits}, with the longest root-inside prefix a child may put in front); as a cold start would find
     * when it parks.
     *
     * @throws UncheckedIOException naming what is wrong
     */
    public static void checkWorkload(List<String> argv) {
        Path program = requireWorkload(argv, Map.of(), null);
        ExecLimits.check(LongestPrefix.VALUE, argv, program.toString());
    }

    private static Path requireWorkload(List<String> argv, Map<String, String> environment, Path directory) {
        String path = environment.containsKey("PATH") ? environment.get("PATH") : JVM_PATH;
        return Executables.requireWorkload(argv.getFirst(), path, directory);
    }

    /** Looked up once: a helper, once found, is remembered for the life of the JVM. */
    private static final class LongestPrefix {
        static final List<String> VALUE = HelperCommand.longestRootInsidePrefix();
    }

    /** Kills and reaps the child if it never proceeded; leaves a released workload alone. Idempotent. */
    public synchronized void close() {
        if (state == State.PARKED) {
            state = State.CLOSED;
            HelperExit.destroyAndReap(process, pin);
        }
    }
}
