package dev.linx.user.benchmarks;

import dev.linx.user.MapSetup;
import dev.linx.user.ParkedProcess;
import dev.linx.user.UserNamespaceLauncher;
import dev.linx.user.UserNamespaceOperations;
import dev.linx.user.UserNamespaces;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The launcher pairs again, finely interleaved: on a shared machine the load moves within seconds, so JMH's
 * Java-run-then-C-run order can hand one side a worse minute. Here a C baseline process ({@code baseline serve}) and
 * this JVM take turns in slices of {@value #SLICE} cycles (or one-second throughput windows), each idle while the other
 * runs, and each slice's order alternates. Run by {@code benchmarks/run}; prints {@code key=value} lines.
 *
 * <p>Each pair starts after {@code WARMUP} Java cycles (or parked children for {@code setupMaps}): the path must be
 * compiled, as in a service that has started many sandboxes, and JMH's short runs cannot afford that for
 * {@code setupMaps} (one parked child per call).
 *
 * <p>Usage: {@code Interleaved BASELINE_BINARY SLICES WARMUP}
 */
public final class Interleaved {

    private static final int SLICE = 20;
    private static final List<String> TRUE = List.of("true");

    private final UserNamespaceOperations operations = UserNamespaces.operations();
    private final MapSetup setup = MapSetup.rootless();
    private final UserNamespaceLauncher launcher =
            new UserNamespaceLauncher(UserNamespaces.operations(), MapSetup.rootless());
    private final PrintWriter toC;
    private final BufferedReader fromC;

    private Interleaved(Process c) {
        this.toC = new PrintWriter(c.getOutputStream(), true, StandardCharsets.US_ASCII);
        this.fromC = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.US_ASCII));
    }

    public static void main(String[] args) throws Exception {
        Process c = new ProcessBuilder(args[0], "serve").redirectError(ProcessBuilder.Redirect.INHERIT).start();
        int slices = Integer.parseInt(args[1]);
        int setupWarmup = Integer.parseInt(args[2]);
        try {
            Interleaved harness = new Interleaved(c);
            harness.run(slices, setupWarmup);
            harness.setupMaps(slices, setupWarmup);
        } finally {
            c.getOutputStream().close();
            c.waitFor();
        }
    }

    private void run(int slices, int warmup) throws Exception {
        for (int i = 0; i < warmup; i++) {
            javaCycle();
        }
        askC("launcher " + SLICE);
        List<Double> java = new ArrayList<>();
        List<Double> c = new ArrayList<>();
        for (int slice = 0; slice < slices; slice++) {
            if (slice % 2 == 0) {
                javaSlice(java);
                cSlice(c);
            } else {
                cSlice(c);
                javaSlice(java);
            }
        }
        double[] j = sorted(java);
        double[] k = sorted(c);
        System.out.printf("name=cycle n=%d java_p50_us=%.1f c_p50_us=%.1f java_p99_us=%.1f c_p99_us=%.1f%n",
                j.length, percentile(j, 0.50), percentile(k, 0.50), percentile(j, 0.99), percentile(k, 0.99));

        int windows = Math.max(2, slices / 10);
        long javaCycles = 0;
        long cCycles = 0;
        for (int w = 0; w < windows; w++) {
            if (w % 2 == 0) {
                javaCycles += javaThroughput(1000);
                cCycles += Long.parseLong(askC("throughput 1000 2"));
            } else {
                cCycles += Long.parseLong(askC("throughput 1000 2"));
                javaCycles += javaThroughput(1000);
            }
        }
        System.out.printf("name=throughput windows=%d java_ops_per_s=%.1f c_ops_per_s=%.1f%n", windows,
                javaCycles / (double) windows, cCycles / (double) windows);
    }

    private void setupMaps(int slices, int warmup) throws Exception {
        for (int i = 0; i < warmup; i++) {
            javaTriple();
        }
        List<Double> java = new ArrayList<>();
        List<Double> c = new ArrayList<>();
        for (int slice = 0; slice < slices; slice++) {
            if (slice % 2 == 1) {
                for (String sample : askC("triple " + SLICE).split(" ")) {
                    c.add(Double.parseDouble(sample));
                }
            }
            for (int i = 0; i < SLICE; i++) {
                java.add(javaTriple());
            }
            if (slice % 2 == 0) {
                for (String sample : askC("triple " + SLICE).split(" ")) {
                    c.add(Double.parseDouble(sample));
                }
            }
        }
        double[] j = sorted(java);
        double[] k = sorted(c);
        System.out.printf("name=setupMaps n=%d warmup=%d java_p50_us=%.1f c_p50_us=%.1f%n", j.length, warmup,
                percentile(j, 0.50), percentile(k, 0.50));
    }

    /** Parks a child, times {@code setupMaps} alone, releases and reaps it. */
    private double javaTriple() throws InterruptedException {
        try (ParkedProcess child = ParkedProcess.start(TRUE, Set.of())) {
            long t0 = System.nanoTime();
            operations.setupMaps(child.hostPid(), setup);
            double micros = (System.nanoTime() - t0) / 1e3;
            if (child.proceed().waitFor() != 0) {
                throw new IllegalStateException("workload failed after setupMaps");
            }
            return micros;
        }
    }

    private void javaSlice(List<Double> samples) throws InterruptedException {
        for (int i = 0; i < SLICE; i++) {
            long t0 = System.nanoTime();
            javaCycle();
            samples.add((System.nanoTime() - t0) / 1e3);
        }
    }

    private void cSlice(List<Double> samples) throws IOException {
        for (String sample : askC("launcher " + SLICE).split(" ")) {
            samples.add(Double.parseDouble(sample));
        }
    }

    private void javaCycle() throws InterruptedException {
        int status = launcher.start(TRUE).waitFor();
        if (status != 0) {
            throw new IllegalStateException("workload exited with " + status);
        }
    }

    /** Cycles completed by two threads in {@code millis}; a failure in either ends the run. */
    private long javaThroughput(long millis) throws Exception {
        AtomicLong count = new AtomicLong();
        long deadline = System.nanoTime() + millis * 1_000_000;
        Throwable[] failure = new Throwable[2];
        Thread[] threads = new Thread[2];
        for (int t = 0; t < 2; t++) {
            int index = t;
            threads[t] = Thread.ofPlatform().start(() -> {
                try {
                    while (System.nanoTime() < deadline) {
                        javaCycle();
                        count.incrementAndGet();
                    }
                } catch (Throwable e) {
                    failure[index] = e;
                }
            });
        }
        for (Thread thread : threads) {
            thread.join();
        }
        for (Throwable f : failure) {
            if (f != null) {
                throw new IllegalStateException("a throughput cycle failed", f);
            }
        }
        return count.get();
    }

    private String askC(String command) throws IOException {
        toC.println(command);
        String reply = fromC.readLine();
        if (reply == null) {
            throw new IOException("the C baseline ended");
        }
        return reply;
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
