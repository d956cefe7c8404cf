package dev.linx.user.benchmarks;

import dev.linx.user.MapSetup;
import dev.linx.user.Namespace;
import dev.linx.user.UserNamespaceLauncher;
import dev.linx.user.UserNamespaces;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Per-request starts at a steady pace, one every {@value #PERIOD_MILLIS} ms, each timed from the call that starts it
 * to its reaped exit, Java and C taking turns in slices of {@value #SLICE} starts ({@code baseline serve}'s
 * {@code paced} command), each idle while the other runs, the order alternating per slice. At JVM default flags. The
 * pairs (workload: {@code true}, looked up on the PATH):
 *
 * <ul>
 *   <li>{@code prepared}: a launcher with {@code prepared(2)}, rootless maps, user namespace only, against C's
 *       {@code native}: {@code clone(CLONE_NEWUSER|CLONE_VM|CLONE_VFORK)}, the child writes its own maps, one exec;</li>
 *   <li>{@code prepared-all}: the same with PID, MOUNT, UTS, IPC and NET, against {@code native} creating them too;</li>
 *   <li>{@code prepared-c}: the same prepared launcher against C doing the library's prepared flow itself
 *       ({@code unshare -r} + the prepared script, parked ahead, released with the argv message): what the Java
 *       around the flow costs, apart from what the flow costs;</li>
 *   <li>{@code prepared-all-c}: the five-namespace prepared launcher against C doing the same flow with the same
 *       namespaces (the library's PID-namespace script, its pid 1 a subshell the parked shell waits for);</li>
 *   <li>{@code cold}: a launcher without prepared children against C's twin of the same unshare + sh flow;</li>
 *   <li>{@code processbuilder}: {@code new ProcessBuilder("unshare", "-r", "true")}, what a Java user writes without
 *       the library, against C's {@code posix_spawn} of the same command.</li>
 * </ul>
 *
 * <p>Before measuring, each Java side runs {@code WARMUP} starts back to back (for a prepared launcher, hits and
 * misses mixed), so that its path is compiled as in a service that has started many sandboxes; then it waits until
 * the JIT compilers have been idle for {@value #SETTLED_MILLIS} ms, so that the first pair does not share the two
 * CPUs with compilations the warm-up queued (a service's compilers are idle by its steady state). Prints one
 * {@code key=value} line per pair, plus the prepared launchers' hit counts.
 *
 * <p>Usage: {@code Paced BASELINE_BINARY SLICES WARMUP}
 */
public final class Paced {

    static final long PERIOD_MILLIS = 20;
    static final long SETTLED_MILLIS = 1000;
    private static final long SETTLE_LIMIT_MILLIS = 30_000;
    private static final int SLICE = 20;
    private static final List<String> TRUE = List.of("true");
    private static final String ALL = "pid,mount,uts,ipc,net";

    /** Whether the last start of a prepared launcher was a hit (starts run on the main thread only). */
    private static final boolean[] LAST_HIT = new boolean[1];

    private final PrintWriter toC;
    private final BufferedReader fromC;

    private Paced(Process c) {
        this.toC = new PrintWriter(c.getOutputStream(), true, StandardCharsets.US_ASCII);
        this.fromC = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.US_ASCII));
    }

    /** One kind of Java start, timed from the call to the reaped exit. */
    @FunctionalInterface
    private interface Start {
        Process start() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        Process c = new ProcessBuilder(args[0], "serve").redirectError(ProcessBuilder.Redirect.INHERIT).start();
        int slices = Integer.parseInt(args[1]);
        int warmup = Integer.parseInt(args[2]);
        LongAdder hits = new LongAdder();
        LongAdder misses = new LongAdder();
        UserNamespaceLauncher.Listener count = UserNamespaceLauncher.Listener.preparedResults(result -> {
            (result == UserNamespaceLauncher.PreparedResult.HIT ? hits : misses).increment();
            LAST_HIT[0] = result == UserNamespaceLauncher.PreparedResult.HIT;
        });
        Set<Namespace> all = EnumSet.of(Namespace.PID, Namespace.MOUNT, Namespace.UTS, Namespace.IPC, Namespace.NET);
        try (UserNamespaceLauncher prepared = UserNamespaceLauncher.builder(UserNamespaces.operations())
                        .defaults(MapSetup.rootless()).prepared(2).listener(count).build();
                UserNamespaceLauncher preparedAll = UserNamespaceLauncher.builder(UserNamespaces.operations())
                        .defaults(MapSetup.rootless()).namespaces(all).prepared(2).listener(count).build()) {
            UserNamespaceLauncher cold = new UserNamespaceLauncher(UserNamespaces.operations(), MapSetup.rootless());
            Paced harness = new Paced(c);
            Start viaPrepared = () -> prepared.start(TRUE);
            Start viaPreparedAll = () -> preparedAll.start(TRUE);
            Start viaCold = () -> cold.start(TRUE);
            Start viaProcessBuilder = () -> new ProcessBuilder("unshare", "-r", "true").start();
            for (Start start : List.of(viaPrepared, viaPreparedAll, viaCold, viaProcessBuilder)) {
                for (int i = 0; i < warmup; i++) {
                    once(start);
                }
            }
            settle();
            hits.reset();
            misses.reset();
            harness.pair("prepared", viaPrepared, "native 0", slices);
            harness.pair("prepared-all", viaPreparedAll, "native 0 " + ALL, slices);
            harness.pair("prepared-c", viaPrepared, "prepared", slices);
            harness.pair("prepared-all-c", viaPreparedAll, "prepared 0 " + ALL, slices);
            System.out.printf("name=prepared-hits hits=%d misses=%d%n", hits.sum(), misses.sum());
            harness.pair("cold", viaCold, "twin", slices);
            harness.pair("processbuilder", viaProcessBuilder, "unshare-r", slices);
        } finally {
            c.getOutputStream().close();
            c.waitFor();
        }
    }

    /**
     * Waits until the JIT compilers' total time has not grown for {@value #SETTLED_MILLIS} ms, or at most
     * {@value #SETTLE_LIMIT_MILLIS} ms; prints how long it waited.
     */
    private static void settle() throws InterruptedException {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        long start = System.nanoTime();
        long seen = jit.getTotalCompilationTime();
        while (System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(SETTLE_LIMIT_MILLIS)) {
            Thread.sleep(SETTLED_MILLIS);
            long now = jit.getTotalCompilationTime();
            if (now == seen) {
                break;
            }
            seen = now;
        }
        System.out.printf("name=settle waited_ms=%d%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }

    /** Java and C slices in turn; prints both sides' p50 and p99 in microseconds. */
    private void pair(String name, Start java, String cCommand, int slices) throws Exception {
        List<Double> j = new ArrayList<>();
        List<Double> k = new ArrayList<>();
        List<Double> hit = new ArrayList<>();
        String[] words = cCommand.split(" ", 3);
        String ask = "paced " + words[0] + " " + SLICE + " " + PERIOD_MILLIS * 1000
                + (words.length > 2 ? " " + words[2] : "");
        for (int slice = 0; slice < slices; slice++) {
            if (slice % 2 == 0) {
                javaSlice(java, j, hit);
                cSlice(ask, k);
            } else {
                cSlice(ask, k);
                javaSlice(java, j, hit);
            }
        }
        double[] js = sorted(j);
        double[] ks = sorted(k);
        double[] hs = sorted(hit);
        System.out.printf("name=%s n=%d java_p50_us=%.1f c_p50_us=%.1f java_p99_us=%.1f c_p99_us=%.1f"
                        + " hits=%d java_hit_p50_us=%.1f%n", name, js.length, percentile(js, 0.50),
                percentile(ks, 0.50), percentile(js, 0.99), percentile(ks, 0.99), hs.length,
                hs.length == 0 ? 0.0 : percentile(hs, 0.50));
    }

    private static void javaSlice(Start start, List<Double> samples, List<Double> hits) throws Exception {
        long next = System.nanoTime();
        for (int i = 0; i < SLICE; i++) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            next += TimeUnit.MILLISECONDS.toNanos(PERIOD_MILLIS);
            LAST_HIT[0] = false;
            long t0 = System.nanoTime();
            once(start);
            double micros = (System.nanoTime() - t0) / 1e3;
            samples.add(micros);
            if (LAST_HIT[0]) {
                hits.add(micros);
            }
        }
    }

    private void cSlice(String command, List<Double> samples) throws IOException {
        toC.println(command);
        String reply = fromC.readLine();
        if (reply == null || reply.isBlank()) {
            throw new IOException("the C baseline ended or refused '" + command + "'");
        }
        for (String sample : reply.split(" ")) {
            samples.add(Double.parseDouble(sample));
        }
    }

    /** Starts, waits for the exit, requires status 0, and releases the streams. */
    private static void once(Start start) throws Exception {
        Process process = start.start();
        int status = process.waitFor();
        process.getOutputStream().close();
        process.getInputStream().close();
        process.getErrorStream().close();
        if (status != 0) {
            throw new IllegalStateException("workload exited with " + status);
        }
    }

    private static double[] sorted(List<Double> samples) {
        double[] values = samples.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(values);
        return values;
    }

    private static double percentile(double[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) (sorted.length * p))];
    }
}
