package dev.linx.user.internal.launch;

import dev.linx.user.Namespace;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What to park: the workload's argv, the namespaces, and how the helper is started.
 *
 * @param argv the workload's command line; argv[0] is looked up on the PATH
 * @param namespaces the namespaces to create; {@link Namespace#USER} is always among them
 * @param hostIds the host uid/gid to start the child as, or {@code null} to keep the JVM's
 * @param directory the working directory, or {@code null} for the JVM's
 * @param environment variables added to (or replacing those of) the JVM's environment
 * @param readinessTimeout how long to wait for the child to reach the checkpoint
 */
public record ParkSpec(List<String> argv, Set<Namespace> namespaces, HostIds hostIds, Path directory,
        Map<String, String> environment, Duration readinessTimeout) {

    /** Copies and completes the spec. */
    public ParkSpec {
        argv = List.copyOf(argv);
        EnumSet<Namespace> all = EnumSet.of(Namespace.USER);
        all.addAll(namespaces);
        namespaces = Set.copyOf(all);
        environment = Map.copyOf(environment);
    }

    /**
     * Host ids for the child, set before it creates its namespaces (privileged callers only).
     *
     * @param uid the host uid
     * @param gid the host gid
     */
    public record HostIds(long uid, long gid) {
    }
}
