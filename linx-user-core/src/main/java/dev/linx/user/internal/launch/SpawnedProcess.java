package dev.linx.user.internal.launch;

import dev.linx.user.internal.sys.ErrnoException;
import dev.linx.user.internal.sys.LibC;
import dev.linx.user.internal.sys.ProcessCalls;
import dev.linx.user.internal.sys.Spawn;
import dev.linx.user.internal.sys.Syscalls;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * A {@link Process} started with {@link Spawn} and reaped by the {@link Reaper}: the JDK's process contract (streams,
 * exit value, waiting, destroying, {@link #onExit()}, a {@linkplain #toHandle() handle} before and after the exit) on a
 * child the JDK did not start.
 *
 * <p>Destroying ends the whole workload, as {@link Termination} describes: the child's process group, or every
 * process of its PID namespace once {@link #adoptNamespaceInit} named the namespace's pid 1.
 *
 * <p>Pid safety: signals go through pidfds, and to the child's process group only while the child is unreaped, always
 * under the same lock as the reap; so a signal reaches this workload or nothing, never a process that later got its
 * pid. The pidfd is closed once the child is reaped and no waiter polls it.
 */
final class SpawnedProcess extends Process {

    private static final long SLICE_MILLIS = 100;

    private final long pid;
    private final Reaper reaper;
    private final SpawnedHandle handle = new SpawnedHandle(this);
    private final PipeStreams.Out stdin;
    private final PipeStreams.In stdout;
    private final PipeStreams.In stderr;
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();
    /** The raw read end of stdout, for {@link #readinessFd()}; {@code -1} once closed. Guarded by {@code this}. */
    private int readinessFd;
    /** Open until the child is reaped and no waiter polls it; then {@code -1}. Guarded by {@code this}. */
    private int pidfd;
    /** Guarded by {@code this}. */
    private boolean reaped;
    /** Waiters polling the pidfd right now. Guarded by {@code this}. */
    private int polling;
    /** The JDK's handle of the child, taken while it was unreaped, for reads by pid. Guarded by {@code this}. */
    private ProcessHandle jdkHandle;
    /** A pidfd of pid 1 of the child's PID namespace, or {@code -1}; closed at the reap. Guarded by {@code this}. */
    private int initPidfd = -1;
    /** The host pid of pid 1 of the child's PID namespace. Guarded by {@code this}. */
    private long initPid;

    private SpawnedProcess(Spawn.Child child, Reaper reaper) {
        this.pid = child.pid();
        this.reaper = reaper;
        this.pidfd = child.pidfd();
        this.readinessFd = child.stdoutFd();
        this.stdin = new PipeStreams.Out(child.stdin());
        this.stdout = new PipeStreams.In(child.stdout());
        this.stderr = new PipeStreams.In(child.stderr());
    }

    /**
     * Starts {@code command} ({@code command[0]} an absolute path).
     *
     * @throws UncheckedIOException when it cannot be started; nothing is left behind
     */
    static SpawnedProcess start(List<String> command, Map<String, String> environment, Path directory) {
        Reaper reaper;
        try {
            // Before the child exists: a reaper that cannot start leaves nothing to kill.
            reaper = Reaper.instance();
        } catch (ErrnoException e) {
            throw new UncheckedIOException("could not start " + command.getFirst(), new IOException(
                    "the child reaper could not be started: epoll_create1 failed with errno " + e.errno()));
        }
        Spawn.Child child;
        try {
            child = Spawn.spawn(command, environment, directory);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + command.getFirst(), e);
        }
        SpawnedProcess process = new SpawnedProcess(child, reaper);
        try {
            reaper.watch(process, child.pidfd());
        } catch (ErrnoException | RuntimeException | LinkageError e) {
            // Without the reaper nobody would reap it: kill and reap it here, then report.
            killAndReap(child);
            process.closeReadinessFd();
            process.stdin.processExited();
            process.stdout.processExited();
            process.stderr.processExited();
            throw new UncheckedIOException("could not watch " + command.getFirst(),
                    new IOException(String.valueOf(e.getMessage()), e));
        }
        return process;
    }

    private static void killAndReap(Spawn.Child child) {
        try (Syscalls sys = Syscalls.open()) {
            try {
                // Its group too: the helper may already have started pid 1 of a PID namespace.
                Termination.group(sys, child.pid(), child.pidfd(), LibC.SIGKILL);
                while (ProcessCalls.reap(sys, child.pidfd()) < 0) {
                    sys.poll(child.pidfd(), LibC.POLLIN, (int) SLICE_MILLIS);
                }
            } catch (ErrnoException e) {
                // Already reaped or gone: nothing left to wait for.
            }
            sys.close(child.pidfd());
        }
    }

    /**
     * The raw read end of the child's stdout, for reading a first line with a time limit before handing the stream
     * out; the same pipe as {@link #getInputStream()}. {@code -1} once {@linkplain #closeReadinessFd() closed}. Its
     * reader must close it.
     */
    synchronized int readinessFd() {
        return readinessFd;
    }

    /** Closes the raw read end of stdout. Idempotent. */
    synchronized void closeReadinessFd() {
        if (readinessFd >= 0) {
            try (Syscalls sys = Syscalls.open()) {
                sys.close(readinessFd);
            }
            readinessFd = -1;
        }
    }

    /**
     * Reaps the child if it has exited, then releases its descriptors. Called by the {@link Reaper} when the pidfd
     * turns readable, and by a thread in {@link #waitFor()} that saw it first.
     *
     * @return whether the child is reaped (now or before)
     */
    boolean reap() {
        int status;
        synchronized (this) {
            if (reaped) {
                return true;
            }
            try (Syscalls sys = Syscalls.open()) {
                status = ProcessCalls.reap(sys, pidfd);
            } catch (ErrnoException e) {
                // ECHILD: somebody else reaped it (a waitpid(-1) elsewhere in the process); its status is lost.
                status = 0x80 + LibC.SIGKILL;
            }
            if (status < 0) {
                return false;
            }
            reaped = true;
            // A waiter polling it has taken it out of the epoll set already: no epoll_ctl then.
            reaper.forget(this, pidfd, polling == 0);
            closePidfdIfUnused();
            if (initPidfd >= 0) {
                try (Syscalls sys = Syscalls.open()) {
                    sys.close(initPidfd);
                }
                initPidfd = -1;
            }
        }
        // The readiness descriptor stays open: its reader closes it (closing it here could pull it from under a read).
        exit.complete(status);
        // Release the pipes now unless a reader or writer holds one; waiting for it is left to a virtual thread, never
        // to this one (the reaper's, or a waiter's).
        boolean released = stdin.tryProcessExited() & stdout.tryProcessExited() & stderr.tryProcessExited();
        if (!released) {
            Thread.ofVirtual().name("linx-user-exited-" + pid).start(() -> {
                stdin.processExited();
                stdout.processExited();
                stderr.processExited();
            });
        }
        return true;
    }

    /**
     * Whether the child, or pid 1 of its PID namespace, has exited (a zombie counts), as the kernel says now: a
     * {@code poll(2)} of their pidfds, which turn readable at the exit, rather than a read of {@code /proc/<pid>/stat}.
     */
    synchronized boolean anyExited() {
        if (reaped) {
            return true;
        }
        try (Syscalls sys = Syscalls.open()) {
            return sys.poll(pidfd, LibC.POLLIN, 0) != 0 || initPidfd >= 0 && sys.poll(initPidfd, LibC.POLLIN, 0) != 0;
        } catch (ErrnoException e) {
            return true;
        }
    }

    /** Closes the pidfd once the child is reaped and no waiter polls it. Called holding the lock. */
    private void closePidfdIfUnused() {
        if (reaped && polling == 0 && pidfd >= 0) {
            try (Syscalls sys = Syscalls.open()) {
                sys.close(pidfd);
            }
            pidfd = -1;
        }
    }

    /**
     * Waits for the exit on the calling thread: polls the pidfd and reaps the child itself, one thread hop shorter
     * than waiting for the {@link Reaper}, which meanwhile {@linkplain Reaper#pause stops listening} to this child.
     * In slices, so that an interrupt is seen within {@value #SLICE_MILLIS} ms. A virtual thread waits on the
     * reaper's future instead, so as not to hold its carrier in a native call.
     *
     * @return whether the child exited within {@code nanos} ({@code < 0}: no limit)
     */
    private boolean await(long nanos) throws InterruptedException {
        long deadline = System.nanoTime() + nanos;
        try (Syscalls sys = Syscalls.open()) {
            while (!exit.isDone()) {
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
                long left = nanos < 0 ? Long.MAX_VALUE : deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                int fd;
                synchronized (this) {
                    if (reaped) {
                        break;
                    }
                    fd = pidfd;
                    if (polling++ == 0) {
                        reaper.pause(fd);
                    }
                }
                try {
                    int slice = (int) Math.min(SLICE_MILLIS, TimeUnit.NANOSECONDS.toMillis(left + 999_999));
                    if (sys.poll(fd, LibC.POLLIN, slice) != 0) {
                        reap();
                    }
                } catch (ErrnoException e) {
                    throw new IllegalStateException("poll of the pidfd of " + pid + " failed with errno " + e.errno());
                } finally {
                    synchronized (this) {
                        if (--polling == 0 && !reaped) {
                            reaper.resume(fd);
                        }
                        closePidfdIfUnused();
                    }
                }
            }
        }
        return true;
    }

    @Override
    public OutputStream getOutputStream() {
        return stdin;
    }

    @Override
    public InputStream getInputStream() {
        return stdout;
    }

    @Override
    public InputStream getErrorStream() {
        return stderr;
    }

    @Override
    public int waitFor() throws InterruptedException {
        if (!Thread.currentThread().isVirtual()) {
            await(-1);
        }
        try {
            return exit.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
        if (exit.isDone()) {
            return true;
        }
        if (timeout <= 0) {
            return false;
        }
        if (!Thread.currentThread().isVirtual()) {
            if (!await(unit.toNanos(timeout))) {
                return false;
            }
            exit.join();
            return true;
        }
        try {
            exit.get(timeout, unit);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public int exitValue() {
        Integer status = exit.getNow(null);
        if (status == null) {
            throw new IllegalThreadStateException("process " + pid + " has not exited");
        }
        return status;
    }

    @Override
    public boolean isAlive() {
        return !exit.isDone();
    }

    /**
     * Asks the workload to terminate: {@code SIGTERM} to every process of its process group, or, with a PID namespace,
     * to the namespace's pid 1 if it handles {@code SIGTERM} (else {@code SIGKILL}, see {@link Termination}).
     */
    @Override
    public void destroy() {
        terminate(false);
    }

    /** Kills the workload: {@code SIGKILL} to every process of its process group, or to its PID namespace's pid 1. */
    @Override
    public Process destroyForcibly() {
        terminate(true);
        return this;
    }

    @Override
    public boolean supportsNormalTermination() {
        return true;
    }

    @Override
    public long pid() {
        return pid;
    }

    /** The child's handle, before and after its exit; see {@link SpawnedHandle}. */
    @Override
    public ProcessHandle toHandle() {
        return handle;
    }

    /**
     * Reads something about the child by pid through the JDK's handle, pid-safely: {@code otherwise} once the child is
     * reaped, before the read or during it (its pid may then name another process).
     */
    <T> T whileUnreaped(Function<ProcessHandle, T> read, T otherwise) {
        ProcessHandle jdk;
        synchronized (this) {
            if (reaped) {
                return otherwise;
            }
            if (jdkHandle == null) {
                // Unreaped, so the pid is still this child's; empty once it is a zombie (the JDK sees no process).
                jdkHandle = ProcessHandle.of(pid).orElse(null);
                if (jdkHandle == null) {
                    return otherwise;
                }
            }
            jdk = jdkHandle;
        }
        T value = read.apply(jdk);
        synchronized (this) {
            return reaped ? otherwise : value;
        }
    }

    /**
     * Names pid 1 of the child's PID namespace (a child of this helper): from now on destroying signals that process,
     * whose end ends the namespace. Takes ownership of the pidfd.
     */
    synchronized void adoptNamespaceInit(long hostPid, int pidfd) {
        if (reaped) {
            try (Syscalls sys = Syscalls.open()) {
                sys.close(pidfd);
            }
            return;
        }
        initPid = hostPid;
        initPidfd = pidfd;
    }

    /**
     * Runs {@code action} on the thread that reaps the child, right after the exit is recorded (at once if it was):
     * no hop to another thread, unlike {@link #onExit()}'s stages, so it must be short and never block.
     */
    void whenReaped(Runnable action) {
        exit.thenRun(action);
    }

    @Override
    public CompletableFuture<Process> onExit() {
        // Async: a caller's dependent stages must never run on the reaper's thread.
        return exit.thenApplyAsync(status -> this);
    }

    /**
     * Signals the whole workload, as long as the child is unreaped.
     *
     * @return whether a signal was sent
     */
    synchronized boolean terminate(boolean forcibly) {
        if (reaped) {
            return false;
        }
        try (Syscalls sys = Syscalls.open()) {
            // Once pid 1 of the namespace is gone, the helper is about to exit: signalling its group then does no harm.
            return initPidfd >= 0 && Termination.namespace(sys, initPid, initPidfd, forcibly)
                    || Termination.group(sys, pid, pidfd, forcibly ? LibC.SIGKILL : LibC.SIGTERM);
        }
    }

    @Override
    public String toString() {
        Integer status = exit.getNow(null);
        return "SpawnedProcess[pid=" + pid + (status == null ? ", alive" : ", exitValue=" + status) + "]";
    }
}
