package dev.linx.user.internal.launch;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * The {@link ProcessHandle} of a {@link SpawnedProcess}, valid for the process's whole life and after it: once the
 * process has exited it is a handle whose {@link #isAlive()} is false, with an empty {@link #info()}, no parent and no
 * children, as a JDK handle of an exited process is; it never throws for having come too late.
 *
 * <p>Pid safety: it never names another process. Signals go through the process's pidfd, and only until it is
 * reaped. What is read by pid ({@link #info()}, {@link #parent()}, {@link #children()}, {@link #descendants()}) is
 * read while the process is unreaped and kept only if it still is afterwards: it then held its pid throughout, so
 * what was read was its own.
 *
 * <p>Per {@link ProcessHandle#equals(Object)}, it equals only a handle of the same implementation naming the same
 * process, so never a JDK handle of the same pid; {@link #compareTo(ProcessHandle)} throws
 * {@link ClassCastException} for a handle of another implementation, as the JDK's own does.
 */
final class SpawnedHandle implements ProcessHandle {

    private final SpawnedProcess process;

    SpawnedHandle(SpawnedProcess process) {
        this.process = process;
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public Optional<ProcessHandle> parent() {
        return process.whileUnreaped(ProcessHandle::parent, Optional.empty());
    }

    @Override
    public Stream<ProcessHandle> children() {
        return process.whileUnreaped(h -> h.children().toList(), List.<ProcessHandle>of()).stream();
    }

    @Override
    public Stream<ProcessHandle> descendants() {
        return process.whileUnreaped(h -> h.descendants().toList(), List.<ProcessHandle>of()).stream();
    }

    @Override
    public Info info() {
        return process.whileUnreaped(ProcessHandle::info, NoInfo.INSTANCE);
    }

    @Override
    public CompletableFuture<ProcessHandle> onExit() {
        return process.onExit().thenApply(p -> this);
    }

    @Override
    public boolean supportsNormalTermination() {
        return process.supportsNormalTermination();
    }

    @Override
    public boolean destroy() {
        return process.terminate(false);
    }

    @Override
    public boolean destroyForcibly() {
        return process.terminate(true);
    }

    @Override
    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public int compareTo(ProcessHandle other) {
        return Long.compare(pid(), ((SpawnedHandle) other).pid());
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SpawnedHandle handle && handle.process == process;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(pid());
    }

    @Override
    public String toString() {
        return Long.toString(pid());
    }

    /** What a JDK handle reports about a process that is gone: nothing. */
    private enum NoInfo implements Info {
        INSTANCE;

        @Override
        public Optional<String> command() {
            return Optional.empty();
        }

        @Override
        public Optional<String> commandLine() {
            return Optional.empty();
        }

        @Override
        public Optional<String[]> arguments() {
            return Optional.empty();
        }

        @Override
        public Optional<java.time.Instant> startInstant() {
            return Optional.empty();
        }

        @Override
        public Optional<java.time.Duration> totalCpuDuration() {
            return Optional.empty();
        }

        @Override
        public Optional<String> user() {
            return Optional.empty();
        }

        @Override
        public String toString() {
            return "[]";
        }
    }
}
