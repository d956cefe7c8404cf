package dev.linx.user;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * A workload a {@link UserNamespaceLauncher} started and that still runs: what an operator may see of it. It carries
 * no argv and no environment, which may hold secrets.
 *
 * <pre>{@code
 * for (Workload workload : launcher.workloads()) {
 *     System.out.println(workload.pid() + " since " + workload.started() + " as " + workload.maps().uid());
 * }
 * }</pre>
 *
 * @param pid the pid of the workload's {@link Process}, as the host sees it: a process in the workload's user
 *        namespace, whose maps {@code /proc/<pid>/uid_map} shows. With a {@link Namespace#PID} namespace it is the
 *        helper shell just outside that namespace, which waits for the namespace's pid 1 and ends with it
 * @param started when it was released into its first instruction
 * @param namespaces the namespaces it was started in, {@link Namespace#USER} among them
 * @param maps the maps written for it: the launcher's defaults, or its own lease's {@link IdLease#mapSetup()}
 */
public record Workload(long pid, Instant started, Set<Namespace> namespaces, MapSetup maps) {

    /**
     * Checks and copies.
     *
     * @throws IllegalArgumentException for a pid below 1 or namespaces without {@link Namespace#USER}
     */
    public Workload {
        if (pid < 1) {
            throw new IllegalArgumentException("a workload's pid is 1 or more, got " + pid);
        }
        Objects.requireNonNull(started, "started");
        Objects.requireNonNull(maps, "maps");
        namespaces = Set.copyOf(Objects.requireNonNull(namespaces, "namespaces"));
        if (!namespaces.contains(Namespace.USER)) {
            throw new IllegalArgumentException("a workload runs in a user namespace, got " + namespaces);
        }
    }
}
