package dev.linx.user.benchmarks;

import dev.linx.user.IdMapping;
import dev.linx.user.MapSetup;
import dev.linx.user.internal.maps.MapRules;
import dev.linx.user.internal.maps.MapText;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * The pure parts on the largest map the kernel takes: 340 extents. No C twin: these are the library's own work, to be
 * small next to the procfs figures.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class MapTextBenchmark {

    private final List<IdMapping> map = new ArrayList<>();
    private final String kernelText;
    private final String[] colonEntries = new String[MapRules.MAX_EXTENTS];
    private final MapSetup setup;

    public MapTextBenchmark() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < MapRules.MAX_EXTENTS; i++) {
            // Small ids: 340 lines must stay under the kernel's one-page limit for a single write.
            long inside = 2L * i;
            long outside = 1000 + 2L * i;
            map.add(IdMapping.of(inside, outside, 1));
            // The kernel's padded read format.
            text.append(String.format("%10d %10d %10d%n", inside, outside, 1));
            colonEntries[i] = inside + ":" + outside + ":1";
        }
        kernelText = text.toString();
        setup = MapSetup.of(map, map);
    }

    /** Parse a 340-line map as read from /proc. */
    @Benchmark
    public List<IdMapping> parseKernelMap() {
        return MapText.parseMap(kernelText);
    }

    /** Parse 340 {@code a:b:c} entries one by one, as from configuration. */
    @Benchmark
    public int parseEntries() {
        int sum = 0;
        for (String entry : colonEntries) {
            sum += (int) IdMapping.parse(entry).length();
        }
        return sum;
    }

    /** Format: render a 340-extent map to the bytes of its single write. */
    @Benchmark
    public byte[] render() {
        return MapText.render(map);
    }

    /** Validate and render a 340-extent map (overlap checks included), as every map write does. */
    @Benchmark
    public byte[] validateAndRender() {
        return MapRules.checkAndRender(map, "uid");
    }

    /** Validate a whole setup of two 340-extent maps. */
    @Benchmark
    public MapSetup validateSetup() {
        return setup.validate();
    }
}
