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
 * @param rootInside the ids the workload takes inside once released, or {@code null} to keep those its host ids map to
 * @param directory the working directory, or {@code null} for the JVM's
 * @param environment variables added to (or replacing those of) the JVM's environment
 * @param readinessTimeout how long to wait for the child to reach the checkpoint
 * @param argvAtRelease whether the argv comes at release ({@link ParkedChild#proceed(List)}) rather than now: a
 *        prepared child, parked before its workload is known; {@code argv} is then empty
 */
public record ParkSpec(List<String> argv, Set<Namespace> namespaces, HostIds hostIds, RootInside rootInside,
        Path directory, Map<String, String> environment, Duration readinessTimeout, boolean argvAtRelease) {

    /** Copies and completes the spec. */
    public ParkSpec {
        argv = List.copyOf(argv);
        if (argvAtRelease != argv.isEmpty()) {
            throw new IllegalArgumentException(argvAtRelease ? "a prepared child gets its argv at release"
                    : "argv is empty: name the workload to run");
        }
        EnumSet<Namespace> all = EnumSet.of(Namespace.USER);
        all.addAll(namespaces);
        namespaces = Set.copyOf(all);
        environment = Map.copyOf(environment);
    }

    /** A child whose argv is known when it is parked. */
    public ParkSpec(List<String> argv, Set<Namespace> namespaces, HostIds hostIds, RootInside rootInside,
            Path directory, Map<String, String> environment, Duration readinessTimeout) {
        this(argv, namespaces, hostIds, rootInside, directory, environment, readinessTimeout, false);
    }

    /**
     * A prepared child: parked in {@code namespaces} with the JVM's environment and working directory, its argv handed
     * over at release.
     */
    public static ParkSpec prepared(Set<Namespace> namespaces, HostIds hostIds, RootInside rootInside,
            Duration readinessTimeout) {
        return new ParkSpec(List.of(), namespaces, hostIds, rootInside, null, Map.of(), readinessTimeout, true);
    }

    /**
     * Host ids for the child, set before it creates its namespaces (privileged callers only).
     *
     * @param uid the host uid
     * @param gid the host gid
     */
    public record HostIds(long uid, long gid) {
    }

    /**
     * Root inside for a child whose host ids the maps do not make root, and that cannot be started as the ones they
     * do: between the checkpoint and the workload, the child switches to uid 0 and/or gid 0 inside. It keeps the
     * capabilities it has in its new user namespace across the park ({@code unshare --keep-caps}); once the maps are
     * written, {@code setpriv} uses them to take the ids, and the workload then runs as root inside.
     *
     * @param uid whether to switch to uid 0 inside
     * @param gid whether to switch to gid 0 inside
     */
    public record RootInside(boolean uid, boolean gid) {
    }
}
