package dev.linx.user;

import java.util.List;
import java.util.Set;

/**
 * A wrapping user namespace shaped like a Kubernetes pod with {@code hostUsers: false}: uid and gid maps
 * {@code 0 <base> 65536}, written from outside by a privileged runtime (so {@code setgroups} stays {@code allow}),
 * and a probe JVM of its own in it, running as a chosen id inside. Root only: this JVM writes the maps, as the runtime
 * does.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final ProbeJvm.Copied jvm = new ProbeJvm.Copied();
 * ...
 * List<String> lines = PodNamespace.at(PodNamespace.BASE).asRoot().run(jvm, SomeProbe.class, "args");
 * }</pre>
 *
 * <p>The JVM starts as host id {@code base + inside} before the namespace is made ({@code hostIdentity}), so inside it
 * is that id with the capabilities the kernel gives it there (all of them, for root). {@link #unmapped()} instead
 * starts it as this JVM's own host ids, which the pod's map does not hold: the container started as a host uid outside
 * its namespace's map, which sees itself as the overflow id 65534.
 */
final class PodNamespace {

    /** The pod's size, as Kubernetes gives every pod with {@code hostUsers: false}. */
    static final long SIZE = 65_536;
    /** A block of host ids no other test maps: 100 blocks of 65536 up. */
    static final long BASE = 100 * SIZE;

    private final long base;
    /** The JVM's ids inside, or -1 for this JVM's own host ids (unmapped in the pod). */
    private final long insideUid;
    private final long insideGid;

    private PodNamespace(long base, long insideUid, long insideGid) {
        this.base = base;
        this.insideUid = insideUid;
        this.insideGid = insideGid;
    }

    /** A pod whose ids are host ids {@code base .. base+65535}, its JVM root inside. */
    static PodNamespace at(long base) {
        return new PodNamespace(base, 0, 0);
    }

    /** The same pod, its JVM root inside (host ids {@code base}). */
    PodNamespace asRoot() {
        return as(0, 0);
    }

    /** The same pod, its JVM as {@code uid} and {@code gid} inside (Kubernetes {@code runAsUser}/{@code runAsGroup}). */
    PodNamespace as(long uid, long gid) {
        if (uid < 0 || uid >= SIZE || gid < 0 || gid >= SIZE) {
            throw new IllegalArgumentException("ids inside a pod are 0.." + (SIZE - 1));
        }
        return new PodNamespace(base, uid, gid);
    }

    /** The same pod, its JVM as this JVM's own host ids, which the pod does not map: it reads them as 65534. */
    PodNamespace unmapped() {
        return new PodNamespace(base, -1, -1);
    }

    /** The pod's maps as the runtime writes them: {@code 0 <base> 65536} for both, setgroups left {@code allow}. */
    MapSetup mapSetup() {
        List<IdMapping> map = List.of(IdMapping.of(0, base, SIZE));
        return new MapSetup(map, map, SetgroupsPolicy.SKIP);
    }

    /** The first host id of the pod. */
    long base() {
        return base;
    }

    /** Runs {@code main args} from the copied classes in the pod, requires exit status 0, returns its stdout lines. */
    List<String> run(ProbeJvm.Copied jvm, Class<?> main, String... args) throws Exception {
        ProbeJvm copy = jvm.copy();
        ParkedProcess.Builder builder = ParkedProcess.builder(copy.command(main, args))
                .namespaces(Set.of(Namespace.USER))
                .directory(copy.directory());
        if (insideUid >= 0) {
            builder.hostIdentity(base + insideUid, base + insideGid);
        }
        try (ParkedProcess pod = builder.start()) {
            UserNamespaces.operations().setupMaps(pod.hostPid(), mapSetup());
            return ProbeJvm.output(pod.proceed());
        }
    }
}
