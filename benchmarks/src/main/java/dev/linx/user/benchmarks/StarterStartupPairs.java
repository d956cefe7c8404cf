package dev.linx.user.benchmarks;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs {@link StarterStartup} in fresh JVMs, in pairs: one start with the starter's jars on the classpath, one
 * without. Two kinds of pairs, for two questions:
 *
 * <ul>
 * <li><b>Shared-CPU pairs</b> (the precise figure): both JVMs of a pair start at the same moment, pinned with
 * {@code taskset} to the same CPU, and are told with {@code -XX:ActiveProcessorCount} how many CPUs the machine has,
 * so that their heap, GC and compiler threads are sized as in a normal start. Sharing one CPU, they time-slice every
 * few milliseconds, so whatever the host does to that CPU's speed hits both alike; the pair's difference in
 * main-thread CPU time is the starter's added work on the start-up path. One lane per CPU runs pairs in parallel.
 * The process's CPU time (every thread) is recorded too: the starter's whole cost, background threads included.</li>
 * <li><b>Sequential pairs</b> (the wall time an application sees): one start after the other on the whole machine,
 * the order alternating from pair to pair.</li>
 * </ul>
 *
 * <p>Why so much care for one number: on the reference machine a CPU-bound loop varies by 10-20% from one half second
 * to the next, so one cold start of ~3 s moves by +-200 ms, four times the 50 ms target. Sequential pairs cancel only
 * the slow drift (after 60 of them the 95% interval is still +-45 ms on the main thread's CPU time and +-115 ms on the
 * wall time); shared-CPU pairs cancel the rest (about +-12 ms after 16: two JVMs without the starter differ by 28 ms,
 * one standard deviation). Prints, for each measure, both medians, the median of the pairwise differences with a
 * bootstrap 95% interval, and the difference of the lower quartiles.
 *
 * <pre>{@code
 * java -cp benchmarks.jar:... dev.linx.user.benchmarks.StarterStartupPairs \
 *     JAVA WITH_CP WITHOUT_CP PAIRS OUT_FILE [--shared-only] [--with-option=OPT]... [--without-option=OPT]...
 * }</pre>
 *
 * <p>{@code --shared-only} runs the shared-CPU pairs alone: {@code benchmarks/run} measures the control starters
 * ({@code benchmarks/control-starter}) that way. {@code --with-option} and {@code --without-option} give one side's
 * JVMs an option of their own: {@code benchmarks/run} hands each side the AOT cache trained on its classpath.
 */
public final class StarterStartupPairs {

    private StarterStartupPairs() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 5) {
            usage();
        }
        boolean sharedOnly = false;
        List<String> withOptions = new ArrayList<>();
        List<String> withoutOptions = new ArrayList<>();
        for (String flag : Arrays.asList(args).subList(5, args.length)) {
            if (flag.equals("--shared-only")) {
                sharedOnly = true;
            } else if (flag.startsWith("--with-option=")) {
                withOptions.add(flag.substring("--with-option=".length()));
            } else if (flag.startsWith("--without-option=")) {
                withoutOptions.add(flag.substring("--without-option=".length()));
            } else {
                usage();
            }
        }
        String java = args[0];
        Side with = new Side(args[1], withOptions);
        Side without = new Side(args[2], withoutOptions);
        int pairs = Integer.parseInt(args[3]);
        Path out = Path.of(args[4]);

        start(java, with);     // page cache and CDS warm for both sides
        start(java, without);
        double[][] shared = sharedCpuPairs(java, with, without, pairs);
        double[][] sequential = sharedOnly ? new double[0][] : sequentialPairs(java, with, without, pairs);

        List<String> raw = new ArrayList<>();
        raw.add("# shared-CPU pairs: with_main_cpu_ms with_process_cpu_ms without_main_cpu_ms without_process_cpu_ms");
        for (double[] s : shared) {
            raw.add(String.format("%.1f %.1f %.1f %.1f", s[0], s[1], s[2], s[3]));
        }
        raw.add("# sequential pairs: with_wall_ms without_wall_ms");
        for (double[] s : sequential) {
            raw.add(String.format("%.1f %.1f", s[0], s[1]));
        }
        Files.write(out, raw, StandardCharsets.UTF_8);

        PrintStream o = System.out;
        summarize(o, "main-cpu", shared, 0, 2);
        summarize(o, "process-cpu", shared, 1, 3);
        if (!sharedOnly) {
            summarize(o, "wall", sequential, 0, 1);
        }
    }

    private static void usage() {
        System.err.println("usage: StarterStartupPairs JAVA WITH_CLASSPATH WITHOUT_CLASSPATH PAIRS OUT_FILE"
                + " [--shared-only] [--with-option=OPTION]... [--without-option=OPTION]...");
        System.exit(2);
    }

    /** One side of the pairs: its classpath and the JVM options it alone gets. */
    private record Side(String classpath, List<String> options) {
    }

    /** {with main CPU, with process CPU, without main CPU, without process CPU} per pair, in ms. */
    private static double[][] sharedCpuPairs(String java, Side with, Side without, int pairs) throws Exception {
        int cpus = Runtime.getRuntime().availableProcessors();
        double[][] samples = new double[pairs][];
        try (ExecutorService lanes = Executors.newFixedThreadPool(cpus)) {
            List<Future<?>> running = new ArrayList<>();
            for (int lane = 0; lane < cpus; lane++) {
                int cpu = lane;
                running.add(lanes.submit(() -> {
                    List<String> pin = List.of("taskset", "-c", Integer.toString(cpu));
                    List<String> sized = List.of("-XX:ActiveProcessorCount=" + cpus);
                    try (ExecutorService pair = Executors.newFixedThreadPool(2)) {
                        for (int i = cpu; i < pairs; i += cpus) {
                            // Both at once on one CPU: neither side gets a faster second.
                            Future<double[]> a = pair.submit(() -> start(pin, java, sized, with));
                            Future<double[]> b = pair.submit(() -> start(pin, java, sized, without));
                            double[] x = a.get();
                            double[] y = b.get();
                            samples[i] = new double[] {x[1], x[2], y[1], y[2]};
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> lane : running) {
                lane.get();
            }
        }
        return samples;
    }

    /** {with wall, without wall} per pair, in ms. */
    private static double[][] sequentialPairs(String java, Side with, Side without, int pairs)
            throws IOException, InterruptedException {
        double[][] samples = new double[pairs][];
        for (int i = 0; i < pairs; i++) {
            double a;
            double b;
            if (i % 2 == 0) {
                a = start(java, with)[0];
                b = start(java, without)[0];
            } else {
                b = start(java, without)[0];
                a = start(java, with)[0];
            }
            samples[i] = new double[] {a, b};
        }
        return samples;
    }

    /** One line of {@code key=value} pairs for one measure; {@code benchmarks/run} prints them. */
    private static void summarize(PrintStream o, String name, double[][] samples, int withColumn, int withoutColumn) {
        int n = samples.length;
        double[] with = new double[n];
        double[] without = new double[n];
        double[] diff = new double[n];
        for (int i = 0; i < n; i++) {
            with[i] = samples[i][withColumn];
            without[i] = samples[i][withoutColumn];
            diff[i] = with[i] - without[i];
        }
        double[] interval = bootstrapMedianInterval(diff);
        o.printf("name=%s pairs=%d with_median=%.0f without_median=%.0f diff_median=%+.0f ci_low=%+.0f ci_high=%+.0f"
                + " q1_diff=%+.0f%n", name, n, median(with), median(without), median(diff), interval[0], interval[1],
                quantile(with, 0.25) - quantile(without, 0.25));
    }

    private static double[] start(String java, Side side) throws IOException, InterruptedException {
        return start(List.of(), java, List.of(), side);
    }

    /** Runs one start and returns {wall ms, main-thread CPU ms, process CPU ms}. */
    private static double[] start(List<String> prefix, String java, List<String> options, Side side)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(prefix);
        command.add(java);
        command.addAll(options);
        command.addAll(side.options());
        command.addAll(List.of("--enable-native-access=ALL-UNNAMED", "-cp", side.classpath(),
                StarterStartup.class.getName()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException("start-up failed:\n" + output);
        }
        double[] timing = {-1, -1, -1};
        for (String line : output.split("\n")) {
            String[] words = line.trim().split(" ");
            switch (words[0]) {
                case "startup-ns" -> timing[0] = Long.parseLong(words[1]) / 1e6;
                case "cpu-ns" -> timing[1] = Long.parseLong(words[1]) / 1e6;
                case "process-cpu-ns" -> timing[2] = Long.parseLong(words[1]) / 1e6;
                default -> { }
            }
        }
        if (timing[0] < 0 || timing[1] < 0 || timing[2] < 0) {
            throw new IllegalStateException("no timing in:\n" + output);
        }
        return timing;
    }

    /** The 2.5th and 97.5th percentiles of the median over 4000 resamples (seeded: the same data, the same interval). */
    private static double[] bootstrapMedianInterval(double[] values) {
        SplittableRandom random = new SplittableRandom(42);
        int rounds = 4000;
        double[] medians = new double[rounds];
        double[] resample = new double[values.length];
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < values.length; i++) {
                resample[i] = values[random.nextInt(values.length)];
            }
            medians[r] = median(resample);
        }
        return new double[] {quantile(medians, 0.025), quantile(medians, 0.975)};
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return (n % 2 == 1) ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static double quantile(double[] values, double q) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[(int) Math.round(q * (sorted.length - 1))];
    }
}
