package dev.linx.user;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Load: park, set up, proceed and wait for the exit, over and over on two threads; and the same through a launcher
 * with prepared children, whose refill thread races the starts (most of them miss at this pace, some hit). Every
 * cycle must succeed, and afterwards (for the prepared launcher, once it is closed) the JVM must hold no more
 * descriptors or threads than before and have no child left. {@code -Dlinx.soak.cycles} sets the number of cycles
 * of each (the {@code soak} profile runs more).
 */
@Tag("rootless")
class SoakTest {

    private static final int CYCLES = Integer.getInteger("linx.soak.cycles", 2_000);
    private static final int THREADS = 2;

    private final UserNamespaceOperations ops = UserNamespaces.operations();

    @Test
    void parkSetupProceedExitCyclesOnTwoThreadsLeaveNothingBehind() throws Exception {
        run(THREADS * 20);   // warm-up: the JDK's process reaper and virtual-thread carriers start once
        Leaks.Snapshot before = Leaks.take();
        long started = System.nanoTime();
        List<String> failures = run(CYCLES);
        double seconds = (System.nanoTime() - started) / 1e9;
        String left = Leaks.leftSince(before);
        System.out.printf("soak: %d park -> setup -> proceed -> exit cycles on %d threads in %.1f s: %.0f cycles/s,"
                        + " %d failures; before %s; left behind: %s%n", CYCLES, THREADS, seconds, CYCLES / seconds,
                failures.size(), before, left.isEmpty() ? "nothing" : left);
        assertThat(failures).as("failed cycles").isEmpty();
        assertThat(left).as("left behind").isEmpty();
    }

    @Test
    void preparedStartsOnTwoThreadsLeaveNothingBehindOnceTheLauncherIsClosed() throws Exception {
        try (UserNamespaceLauncher warm = prepared()) {
            run(THREADS * 20, () -> start(warm));
        }
        Leaks.Snapshot before = Leaks.take();
        long started = System.nanoTime();
        List<String> failures;
        AtomicInteger hits = new AtomicInteger();
        try (UserNamespaceLauncher launcher = UserNamespaceLauncher.builder(ops).prepared(2)
                .listener(UserNamespaceLauncher.Listener.preparedResults(result -> {
                    if (result == UserNamespaceLauncher.PreparedResult.HIT) {
                        hits.incrementAndGet();
                    }
                })).build()) {
            failures = run(CYCLES, () -> start(launcher));
            // The registry of live workloads holds none once they all exited: its memory is bounded.
            LauncherWorkloadsTest.awaitNoWorkload(launcher);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        String left = Leaks.leftSince(before);
        System.out.printf("soak: %d prepared starts (%d hits) on %d threads in %.1f s: %.0f starts/s, %d failures;"
                        + " before %s; left behind: %s%n", CYCLES, hits.get(), THREADS, seconds, CYCLES / seconds,
                failures.size(), before, left.isEmpty() ? "nothing" : left);
        assertThat(failures).as("failed starts").isEmpty();
        assertThat(left).as("left behind").isEmpty();
    }

    private UserNamespaceLauncher prepared() {
        return UserNamespaceLauncher.builder(ops).prepared(2).build();
    }

    private static void start(UserNamespaceLauncher launcher) throws Exception {
        Process workload = launcher.start(List.of("true"));
        if (!workload.waitFor(30, TimeUnit.SECONDS) || workload.exitValue() != 0) {
            throw new AssertionError("workload " + workload.pid() + " did not exit with 0");
        }
    }

    /** One cycle of a soak. */
    @FunctionalInterface
    private interface Cycle {
        void run() throws Exception;
    }

    private List<String> run(int cycles) throws Exception {
        return run(cycles, this::cycle);
    }

    private List<String> run(int cycles, Cycle cycle) throws Exception {
        AtomicInteger next = new AtomicInteger();
        List<Future<List<String>>> workers = new ArrayList<>();
        try (ExecutorService threads = Executors.newFixedThreadPool(THREADS)) {
            for (int t = 0; t < THREADS; t++) {
                workers.add(threads.submit(() -> {
                    List<String> failures = new ArrayList<>();
                    while (next.getAndIncrement() < cycles) {
                        try {
                            cycle.run();
                        } catch (Exception | AssertionError e) {
                            failures.add(e.toString());
                        }
                    }
                    return failures;
                }));
            }
            List<String> failures = new ArrayList<>();
            for (Future<List<String>> worker : workers) {
                failures.addAll(worker.get());
            }
            return failures;
        }
    }

    private void cycle() throws Exception {
        try (ParkedProcess child = ParkedProcess.start(List.of("true"), Set.of(Namespace.USER))) {
            ops.setupMaps(child.hostPid(), MapSetup.rootless());
            Process workload = child.proceed();
            if (!workload.waitFor(30, TimeUnit.SECONDS) || workload.exitValue() != 0) {
                throw new AssertionError("workload " + workload.pid() + " did not exit with 0");
            }
        }
    }
}
