package dev.linx.user.internal.maps;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linx.user.IdMapping;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The procfs map parser under generated input (seeded; {@code -Dlinx.properties.seed} explores others): it never
 * throws, whatever the bytes, and keeps exactly the well-formed lines of a map mixed with malformed ones.
 */
@Tag("rootless")
class MapTextFuzzTest {

    private static final long SEED = Long.getLong("linx.properties.seed", 6L);
    private static final int TRIES = 50_000;
    private static final String MAP_BYTES = "0123456789    \t\t::\n-\rx";

    private final SplittableRandom random = new SplittableRandom(SEED);

    @Test
    void noByteSequenceMakesTheParserThrow() {
        long bytes = 0;
        int entries = 0;
        for (int i = 0; i < TRIES; i++) {
            byte[] input = new byte[random.nextInt(0, 600)];
            boolean raw = random.nextInt(4) == 0;
            for (int j = 0; j < input.length; j++) {
                input[j] = (byte) (raw ? random.nextInt(256) : MAP_BYTES.charAt(random.nextInt(MAP_BYTES.length())));
            }
            bytes += input.length;
            // The verbs decode procfs bytes as US-ASCII, exactly like this.
            List<IdMapping> map = MapText.parseMap(new String(input, StandardCharsets.US_ASCII));
            entries += map.size();
            assertThat(map.size()).isLessThanOrEqualTo(lineCount(input));
        }
        System.out.printf("map parser fuzz: %d inputs, %d bytes, %d entries kept, no exception (seed %d)%n", TRIES,
                bytes, entries, SEED);
    }

    @Test
    void everyWellFormedLineIsKeptInOrderAndEveryMalformedOneSkipped() {
        int kept = 0;
        int skipped = 0;
        for (int i = 0; i < TRIES / 5; i++) {
            List<IdMapping> expected = new ArrayList<>();
            StringBuilder text = new StringBuilder();
            int lines = random.nextInt(0, 30);
            for (int j = 0; j < lines; j++) {
                if (random.nextBoolean()) {
                    IdMapping m = IdMapping.of(random.nextLong(0, 100_000), random.nextLong(0, 4_000_000_000L),
                            random.nextLong(1, 100_000));
                    expected.add(m);
                    text.append(wellFormed(m));
                    kept++;
                } else {
                    text.append(malformed());
                    skipped++;
                }
                if (j < lines - 1 || random.nextBoolean()) {
                    text.append('\n');
                }
            }
            assertThat(MapText.parseMap(text)).as("%s", text).isEqualTo(expected);
        }
        System.out.printf("map parser mixed input: %d well-formed lines kept, %d malformed skipped (seed %d)%n", kept,
                skipped, SEED);
    }

    /** The kernel's padded format, or compact, or the colon form, with blanks around. */
    private String wellFormed(IdMapping m) {
        String edge = random.nextBoolean() ? "" : " \t ".substring(random.nextInt(3));
        return switch (random.nextInt(3)) {
            case 0 -> String.format("%10d %10d %10d", m.inside(), m.outside(), m.length());
            case 1 -> edge + m.inside() + "\t" + m.outside() + "  " + m.length() + edge;
            default -> edge + m.inside() + ":" + m.outside() + ":" + m.length();
        };
    }

    /** A line no reading can take for a mapping. */
    private String malformed() {
        long a = random.nextLong(0, 100_000);
        long b = random.nextLong(0, 100_000);
        return switch (random.nextInt(11)) {
            case 0 -> a + " " + b;
            case 1 -> a + " " + b + " 1 " + a;
            case 2 -> a + " " + b + " 0";
            case 3 -> "4294967295 " + b + " 1";
            case 4 -> "-" + a + " " + b + " 1";
            case 5 -> "1234567890123456789 " + b + " 1";
            case 6 -> a + ":" + b + " 1";
            case 7 -> a + " x" + b + " 1";
            case 8 -> " \t ".substring(random.nextInt(3));
            case 9 -> a + " " + b + " 1" + (char) random.nextInt('a', 'z' + 1);
            default -> "future extension " + a;
        };
    }

    private static int lineCount(byte[] input) {
        int lines = 1;
        for (byte b : input) {
            if (b == '\n') {
                lines++;
            }
        }
        return lines;
    }
}
