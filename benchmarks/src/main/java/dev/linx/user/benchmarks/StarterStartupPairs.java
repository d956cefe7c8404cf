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

/**
 * Runs {@link StarterStartup} in fresh JVMs, in pairs: one start with the starter's jars on the classpath, one
 * without, the order alternating from pair to pair so that neither side always gets the warmer minute. Prints, for
 * the wall time and for the main thread's CPU time, both medians, the median of the pairwise differences with a
 * bootstrap 95% interval, and the difference of the lower quartiles.
 *
 * <p>Why so much statistics for one number: on the reference machine a CPU-bound loop alone varies by +-7% from one
 * second to the next, so one cold start of ~3 s moves by +-200 ms, four times the 50 ms target. Pairing cancels the
 * slow drift; the interval says what is left.
 *
 * <pre>{@code
 * java -cp benchmarks.jar:... dev.linx.user.benchmarks.StarterStartupPairs JAVA WITH_CP WITHOUT_CP PAIRS OUT_FILE
 * }</pre>
 */
public final class StarterStartupPairs {

    private StarterStartupPairs() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length != 5) {
            System.err.println("usage: StarterStartupPairs JAVA WITH_CLASSPATH WITHOUT_CLASSPATH PAIRS OUT_FILE");
            System.exit(2);
        }
        String java = args[0];
        String with = args[1];
        String without = args[2];
        int pairs = Integer.parseInt(args[3]);
        Path out = Path.of(args[4]);

        start(java, with);     // page cache and CDS warm for both sides
        start(java, without);
        double[][] samples = new double[pairs][];
        for (int i = 0; i < pairs; i++) {
            double[] a;
            double[] b;
            if (i % 2 == 0) {
                a = start(java, with);
                b = start(java, without);
            } else {
                b = start(java, without);
                a = start(java, with);
            }
            samples[i] = new double[] {a[0], a[1], b[0], b[1]};
        }

        List<String> raw = new ArrayList<>();
        raw.add("# with_wall_ms with_cpu_ms without_wall_ms without_cpu_ms, one pair per line");
        for (double[] s : samples) {
            raw.add(String.format("%.1f %.1f %.1f %.1f", s[0], s[1], s[2], s[3]));
        }
        Files.write(out, raw, StandardCharsets.UTF_8);

        PrintStream o = System.out;
        summarize(o, "wall", samples, 0);
        summarize(o, "cpu", samples, 1);
    }

    /** One line of {@code key=value} pairs for one measure; {@code benchmarks/run} prints them. */
    private static void summarize(PrintStream o, String name, double[][] samples, int column) {
        int n = samples.length;
        double[] with = new double[n];
        double[] without = new double[n];
        double[] diff = new double[n];
        for (int i = 0; i < n; i++) {
            with[i] = samples[i][column];
            without[i] = samples[i][column + 2];
            diff[i] = with[i] - without[i];
        }
        double[] interval = bootstrapMedianInterval(diff);
        o.printf("name=%s pairs=%d with_median=%.0f without_median=%.0f diff_median=%+.0f ci_low=%+.0f ci_high=%+.0f"
                + " q1_diff=%+.0f%n", name, n, median(with), median(without), median(diff), interval[0], interval[1],
                quantile(with, 0.25) - quantile(without, 0.25));
    }

    /** Runs one start and returns {wall ms, main-thread CPU ms}. */
    private static double[] start(String java, String classpath) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp", classpath,
                StarterStartup.class.getName()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException("start-up failed:\n" + output);
        }
        double wall = -1;
        double cpu = -1;
        for (String line : output.split("\n")) {
            String[] words = line.trim().split(" ");
            if (words[0].equals("startup-ns")) {
                wall = Long.parseLong(words[1]) / 1e6;
            } else if (words[0].equals("cpu-ns")) {
                cpu = Long.parseLong(words[1]) / 1e6;
            }
        }
        if (wall < 0 || cpu < 0) {
            throw new IllegalStateException("no timing in:\n" + output);
        }
        return new double[] {wall, cpu};
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
