package dev.linx.user.benchmarks;

import dev.linx.user.IdMapping;
import dev.linx.user.MapSetup;
import dev.linx.user.ParkedProcess;
import dev.linx.user.UserNamespaceOperations;
import dev.linx.user.UserNamespaces;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The procfs verbs against the kernel. C twins: {@code baseline triple} and {@code baseline readmap}.
 *
 * <p>{@link #setupMaps} times only the three writes: each invocation gets a freshly parked child (a map is
 * write-once), parked and released outside the measurement. That fixture costs ~3 ms, so the benchmark makes only a
 * few hundred calls a second, and at HotSpot's default thresholds the path needs ~15,000 calls (most of a minute)
 * before C2 compiles it. It runs at the JVM's default flags all the same, as users run it: what it reports after a
 * warm-up of seconds is what a service sees in its first minutes of starting sandboxes.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class ProcfsBenchmark {

    /** A parked child per invocation. */
    @State(Scope.Thread)
    public static class Parked {
        final UserNamespaceOperations operations = UserNamespaces.operations();
        final MapSetup setup = MapSetup.rootless();
        ParkedProcess child;

        @Setup(Level.Invocation)
        public void park() {
            child = ParkedProcess.start(List.of("true"), Set.of());
        }

        @TearDown(Level.Invocation)
        public void release() throws InterruptedException {
            Process workload = child.proceed();
            if (workload.waitFor() != 0) {
                throw new IllegalStateException("workload failed after setupMaps");
            }
            child.close();
        }
    }

    /** The reading side: this JVM's own pid, not pinned, so the verb opens {@code /proc/<pid>} itself. */
    @State(Scope.Thread)
    public static class Self {
        final UserNamespaceOperations operations = UserNamespaces.operations();
        final long pid = ProcessHandle.current().pid();
    }

    /** deny setgroups, uid_map, gid_map: validation, rendering and three open + write + close. */
    @Benchmark
    public void setupMaps(Parked parked) {
        parked.operations.setupMaps(parked.child.hostPid(), parked.setup);
    }

    /** Open, read and parse a uid_map. */
    @Benchmark
    public List<IdMapping> readUidMap(Self self) {
        return self.operations.readUidMap(self.pid);
    }
}
