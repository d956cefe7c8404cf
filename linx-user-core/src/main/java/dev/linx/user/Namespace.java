package dev.linx.user;

/**
 * A Linux namespace kind a {@link ParkedProcess} can be started in.
 *
 * <p>{@link #USER} is always created, whether or not it is named; the others are added on request.
 *
 * <pre>{@code
 * ParkedProcess.start(List.of("sh"), EnumSet.of(Namespace.USER, Namespace.MOUNT, Namespace.PID));
 * }</pre>
 */
public enum Namespace {
    /** User namespace: its own uid/gid space, the subject of this library. */
    USER,
    /** Mount namespace: its own mount table (propagation made private). */
    MOUNT,
    /** PID namespace: the workload is pid 1 inside; {@link ParkedProcess#hostPid()} stays the host's view. */
    PID,
    /** UTS namespace: its own host name and domain name. */
    UTS,
    /** IPC namespace: its own System V IPC objects and POSIX message queues. */
    IPC,
    /** Network namespace: its own interfaces, routes and ports (only a loopback device, down). */
    NET,
    /** Cgroup namespace: its own view of the cgroup hierarchy root. */
    CGROUP
}
