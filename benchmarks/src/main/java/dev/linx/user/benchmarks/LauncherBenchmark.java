package dev.linx.user.benchmarks;

import dev.linx.user.MapSetup;
import dev.linx.user.UserNamespaceLauncher;
import dev.linx.user.UserNamespaces;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * The whole launcher cycle: park {@code true} in a new user namespace, write the rootless maps, proceed, wait for the
 * exit. C twins: {@code baseline launcher} and {@code baseline throughput}. A failed cycle throws, which ends the run:
 * a figure is only reported when every cycle succeeded. At the JVM's default flags, as users run it.
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class LauncherBenchmark {

    private static final List<String> TRUE = List.of("true");

    private final UserNamespaceLauncher launcher =
            new UserNamespaceLauncher(UserNamespaces.operations(), MapSetup.rootless());

    /** One cycle at a time: latency percentiles. */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public int cycle() throws InterruptedException {
        return run();
    }

    /** Two threads launching at once: full cycles per second. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Threads(2)
    public int throughput() throws InterruptedException {
        return run();
    }

    private int run() throws InterruptedException {
        Process workload = launcher.start(TRUE);
        int status = workload.waitFor();
        if (status != 0) {
            throw new IllegalStateException("workload exited with " + status);
        }
        return status;
    }
}
