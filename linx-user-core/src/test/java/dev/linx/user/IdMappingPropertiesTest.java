package dev.linx.user;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linx.user.internal.maps.MapText;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Properties of the text forms of {@link IdMapping}, over many generated values (seeded: every run checks the same
 * ones; set {@code -Dlinx.properties.seed} to explore others).
 */
@Tag("rootless")
class IdMappingPropertiesTest {

    private static final long SEED = Long.getLong("linx.properties.seed", 6L);
    private static final int TRIES = 20_000;
    private static final long[] EDGES = {0, 1, 2, 65534, 65535, 4_294_967_293L, 4_294_967_294L};

    private final SplittableRandom random = new SplittableRandom(SEED);

    @Test
    void everyFormOfAMappingParsesBackToIt() {
        for (int i = 0; i < TRIES; i++) {
            IdMapping m = validMapping();
            String compact = m.inside() + " " + m.outside() + " " + m.length();
            String colon = m.inside() + ":" + m.outside() + ":" + m.length();
            String padded = String.format("%10d %10d %10d", m.inside(), m.outside(), m.length());
            String blanks = blanks() + m.inside() + separator() + m.outside() + separator() + m.length() + blanks();
            for (String form : List.of(compact, colon, padded, blanks)) {
                assertThat(IdMapping.parse(form)).as("'%s'", form).isEqualTo(m);
            }
        }
        System.out.printf("IdMapping round trip: %d mappings x 4 text forms parsed back (seed %d)%n", TRIES, SEED);
    }

    @Test
    void aRenderedMapParsesBackToTheSameMap() {
        int lines = 0;
        for (int i = 0; i < TRIES / 10; i++) {
            List<IdMapping> map = new ArrayList<>();
            int count = random.nextInt(0, 341);
            for (int j = 0; j < count; j++) {
                map.add(validMapping());
            }
            lines += count;
            String text = new String(MapText.render(map), StandardCharsets.US_ASCII);
            assertThat(MapText.parseMap(text)).isEqualTo(map);
        }
        System.out.printf("map render/parse round trip: %d maps, %d lines (seed %d)%n", TRIES / 10, lines, SEED);
    }

    @Test
    void toStringShowsInclusiveEnds() {
        for (int i = 0; i < TRIES; i++) {
            IdMapping m = validMapping();
            String expected = m.length() == 1
                    ? "IdMapping<" + m.inside() + " -> " + m.outside() + ">"
                    : "IdMapping<" + m.inside() + ".." + (m.inside() + m.length() - 1) + " -> " + m.outside() + ".."
                            + (m.outside() + m.length() - 1) + ">";
            assertThat(m.toString()).isEqualTo(expected);
        }
    }

    @Test
    void parseOfAnyTextReturnsAValidMappingOrABadEntry() {
        int accepted = 0;
        for (int i = 0; i < TRIES * 5; i++) {
            String text = MapTextSamples.noise(random, 40);
            IdMapping m;
            try {
                m = IdMapping.parse(text);
            } catch (InvalidMappingException e) {
                assertThat(e.reason()).as("'%s'", text).isEqualTo(InvalidMappingException.Reason.BAD_ENTRY);
                continue;
            }
            accepted++;
            assertThat(IdMapping.parse(m.inside() + " " + m.outside() + " " + m.length())).isEqualTo(m);
        }
        System.out.printf("IdMapping.parse fuzz: %d texts, %d parsed, the rest BAD_ENTRY (seed %d)%n", TRIES * 5,
                accepted, SEED);
    }

    private IdMapping validMapping() {
        long inside = anyId();
        long outside = anyId();
        long room = IdMapping.ID_LIMIT - Math.max(inside, outside);
        long length = switch (random.nextInt(4)) {
            case 0 -> 1;
            case 1 -> room;
            default -> random.nextLong(1, room + 1);
        };
        return IdMapping.of(inside, outside, length);
    }

    private long anyId() {
        return random.nextInt(4) == 0 ? EDGES[random.nextInt(EDGES.length)] : random.nextLong(0, IdMapping.MAX_ID + 1);
    }

    private String blanks() {
        return " \t  ".substring(random.nextInt(5));
    }

    private String separator() {
        StringBuilder s = new StringBuilder();
        int n = random.nextInt(1, 4);
        for (int i = 0; i < n; i++) {
            s.append(random.nextBoolean() ? ' ' : '\t');
        }
        return s.toString();
    }
}
