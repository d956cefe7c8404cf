package dev.linx.user;

import dev.linx.user.internal.launch.ParkSpec;
import dev.linx.user.internal.launch.ParkedChild;
import java.lang.ref.Cleaner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A child started in new namespaces and held at the checkpoint: it already sits in its user namespace (and any other
 * requested), but its workload has not run a single instruction. This is the window in which the write-once maps are
 * written from the host; {@link #proceed()} then lets the workload run.
 *
 * <pre>{@code
 * try (ParkedProcess child = ParkedProcess.start(List.of("id"), Set.of(Namespace.USER))) {
 *     UserNamespaces.operations().setupMaps(child.hostPid(), MapSetup.rootless());
 *     Process id = child.proceed();
 *     String seen = new String(id.getInputStream().readAllBytes());   // uid=0(root) gid=0(root) ...
 *     id.waitFor();
 * }   // had we not proceeded, close() would kill and reap the child
 * }</pre>
 *
 * <p>The JVM cannot create a user namespace itself (the kernel refuses {@code unshare(CLONE_NEWUSER)} in a
 * multithreaded process), so the child is created by util-linux {@code unshare} running a tiny {@code /bin/sh}
 * script that reports readiness and waits; both must be installed. The child keeps the JVM's host identity unless
 * {@link Builder#hostIdentity(long, long)} says otherwise: with no map covering it, it is the overflow id 65534 inside.
 *
 * <p>Pid safety: while the child is parked, the library holds its {@code /proc/<pid>} directory open, checked to be
 * this child, and every verb of {@link UserNamespaces#operations()} given {@link #hostPid()} goes through it. Should the
 * child die and its pid be reused, those verbs fail with {@link Errno#ENOENT} or {@link Errno#ESRCH} rather than reach
 * the other process.
 *
 * <p>Always close it. One that becomes unreachable while still parked is killed and reaped when the garbage collector
 * finds it, so that a forgotten child is not left parked until the JVM exits.
 *
 * <p>Errors: no checked exceptions. A helper that is missing, fails, or is not ready in time is an
 * {@link java.io.UncheckedIOException}, as is an interrupt while waiting (the interrupt stays pending); in every such
 * case no process is left behind. When no user namespace may be created at all (the JVM's namespace has
 * {@code user.max_user_namespaces} 0), its cause is a {@link UserNamespaceLimitException}; when the JVM's own uid or
 * gid has no mapping in its user namespace, an {@link UnmappedIdentityException}.
 */
public final class ParkedProcess implements AutoCloseable {

    /** Runs on a virtual thread: no platform thread is kept for it. */
    private static final Cleaner CLEANER = Cleaner.create(Thread.ofVirtual().name("linx-parked-cleaner").factory());

    private final ParkedChild child;
    private final Cleaner.Cleanable cleanable;

    private ParkedProcess(ParkedChild child) {
        this.child = child;
        this.cleanable = CLEANER.register(this, child::close);
    }

    /**
     * Starts {@code argv} parked in the given namespaces ({@link Namespace#USER} is added when left out).
     *
     * @param argv the workload's command line; argv[0] is looked up on the PATH
     * @param namespaces the namespaces to create
     * @return the parked child; close it when done
     */
    public static ParkedProcess start(List<String> argv, Set<Namespace> namespaces) {
        return builder(argv).namespaces(namespaces).start();
    }

    /**
     * A builder for the less common options: host identity, working directory, environment, readiness timeout.
     *
     * @param argv the workload's command line; argv[0] is looked up on the PATH
     * @return a new builder
     */
    public static Builder builder(List<String> argv) {
        return new Builder(argv);
    }

    /**
     * The child's pid as the host sees it, the one for {@code /proc/<pid>} writes. With a PID namespace this is the
     * outermost pid of the process that is pid 1 inside, not the pid of the returned {@link Process}.
     *
     * @return the host pid
     */
    public long hostPid() {
        return child.hostPid();
    }

    /**
     * Lets the workload run. The returned process's stdin, stdout and stderr are the workload's. With a PID namespace
     * the returned process is the helper waiting for the workload; it exits with the workload's status.
     *
     * <p>{@link Process#destroy()} and {@link Process#destroyForcibly()} end the whole workload, and {@code waitFor()}
     * then returns. With a PID namespace that is every process in it: its pid 1 is signalled, and the kernel ends the
     * rest with it before {@code waitFor()} returns. ({@code destroy()} sends {@code SIGTERM} when pid 1 handles it;
     * the kernel would drop it otherwise, so such a pid 1 is killed.) Without one it is the workload's process group:
     * the workload leads a group of its own, and what it starts stays in it unless it leaves (a {@code setsid}, a
     * shell with job control). For untrusted workloads, ask for {@link Namespace#PID}.
     *
     * @return the running workload
     * @throws IllegalStateException when called twice or after {@link #close()}
     * @throws java.io.UncheckedIOException when the child died while parked (it is then reaped)
     */
    public Process proceed() {
        return child.proceed();
    }

    /** Kills and reaps the child if it never proceeded; after {@link #proceed()} it leaves the workload alone. */
    @Override
    public void close() {
        cleanable.clean();
    }

    /** A copy of {@code argv}, checked as every start checks it: not empty, no null, no NUL. */
    static List<String> checkArgv(List<String> argv) {
        Objects.requireNonNull(argv, "argv");
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("argv is empty: name the workload to run");
        }
        for (String arg : argv) {
            Objects.requireNonNull(arg, "argv element");
            if (arg.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("argv element contains a NUL character");
            }
        }
        return List.copyOf(argv);
    }

    @Override
    public String toString() {
        return "ParkedProcess[hostPid=" + hostPid() + "]";
    }

    /**
     * Options for {@link ParkedProcess}.
     *
     * <pre>{@code
     * ParkedProcess child = ParkedProcess.builder(List.of("sh", "-c", "id; hostname"))
     *         .namespaces(EnumSet.of(Namespace.UTS, Namespace.PID))
     *         .hostIdentity(1000, 1000)          // privileged callers: run as host uid/gid 1000
     *         .readinessTimeout(Duration.ofSeconds(5))
     *         .start();
     * }</pre>
     */
    public static final class Builder {

        private final List<String> argv;
        private final EnumSet<Namespace> namespaces = EnumSet.of(Namespace.USER);
        private final Map<String, String> environment = new HashMap<>();
        private ParkSpec.HostIds hostIds;
        private ParkSpec.RootInside rootInside;
        private Path directory;
        private Duration readinessTimeout = Duration.ofSeconds(30);

        private Builder(List<String> argv) {
            this.argv = checkArgv(argv);
        }

        /**
         * The namespaces to create, besides {@link Namespace#USER}, which is always created.
         *
         * @param namespaces the namespaces to create
         * @return this builder
         */
        public Builder namespaces(Set<Namespace> namespaces) {
            this.namespaces.addAll(Objects.requireNonNull(namespaces, "namespaces"));
            return this;
        }

        /**
         * Starts the child as this host uid and gid (with no supplementary groups) before it creates its namespaces.
         * Needs {@code CAP_SETUID} and {@code CAP_SETGID}; the child then owns its user namespace as that user.
         *
         * @param uid the host uid the child runs as
         * @param gid the host gid the child runs as
         * @return this builder
         */
        public Builder hostIdentity(long uid, long gid) {
            if (uid < 0 || uid > IdMapping.MAX_ID || gid < 0 || gid > IdMapping.MAX_ID) {
                throw new IllegalArgumentException("host ids must be in 0..4294967294, got " + uid + "/" + gid);
            }
            this.hostIds = new ParkSpec.HostIds(uid, gid);
            return this;
        }

        /** For {@link UserNamespaceLauncher}: the workload takes uid and/or gid 0 inside once released. */
        Builder rootInside(ParkSpec.RootInside rootInside) {
            this.rootInside = rootInside;
            return this;
        }

        /**
         * The workload's working directory (default: the JVM's).
         *
         * @param directory the working directory
         * @return this builder
         */
        public Builder directory(Path directory) {
            this.directory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /**
         * Variables added to, or replacing those of, the JVM's environment.
         *
         * @param variables the variables to set
         * @return this builder
         */
        public Builder environment(Map<String, String> variables) {
            this.environment.putAll(Objects.requireNonNull(variables, "variables"));
            return this;
        }

        /**
         * How long to wait for the child to reach the checkpoint (default 30 seconds); a duration too long to count in
         * nanoseconds (about 292 years) waits without limit.
         *
         * @param timeout the longest wait, positive
         * @return this builder
         */
        public Builder readinessTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("readiness timeout must be positive, got " + timeout);
            }
            this.readinessTimeout = timeout;
            return this;
        }

        /**
         * Starts the child and returns once it is parked.
         *
         * @return the parked child; close it when done
         */
        public ParkedProcess start() {
            return new ParkedProcess(ParkedChild.park(
                    new ParkSpec(argv, namespaces, hostIds, rootInside, directory, environment, readinessTimeout)));
        }
    }
}
