package dev.linx.user.internal.maps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static dev.linx.user.Expect.invalid;

import dev.linx.user.IdMapping;
import dev.linx.user.InvalidMappingException;
import dev.linx.user.InvalidMappingException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

@Tag("rootless")
class MapRulesTest {

    @Test
    void rendersCompactLinesInOrder() {
        byte[] text = MapRules.checkAndRender(List.of(IdMapping.of(0, 1000, 1), IdMapping.of(1, 100000, 65535)), "uid");
        assertThat(new String(text, StandardCharsets.US_ASCII)).isEqualTo("0 1000 1\n1 100000 65535\n");
    }

    @Test
    void anEmptyMapIsRefused() {
        assertThat(invalid(() -> MapRules.checkAndRender(List.of(), "uid"))).isEqualTo(Reason.EMPTY_MAP);
    }

    @Test
    void aNullMapIsRefusedAsEmpty() {
        assertThat(invalid(() -> MapRules.checkAndRender(null, "uid"))).isEqualTo(Reason.EMPTY_MAP);
    }

    @Test
    void aNullEntryIsABadEntry() {
        assertThat(invalid(() -> MapRules.checkAndRender(Arrays.asList(IdMapping.of(0, 0, 1), null), "gid")))
                .isEqualTo(Reason.BAD_ENTRY);
    }

    @Test
    void overlappingInsideRangesAreRefused() {
        var map = List.of(IdMapping.of(0, 1000, 10), IdMapping.of(9, 5000, 1));
        assertThatThrownBy(() -> MapRules.checkAndRender(map, "uid"))
                .hasMessageContaining("overlap inside")
                .extracting(e -> ((InvalidMappingException) e).reason()).isEqualTo(Reason.OVERLAPPING_RANGES);
    }

    @Test
    void overlappingOutsideRangesAreRefused() {
        var map = List.of(IdMapping.of(0, 1000, 10), IdMapping.of(100, 1009, 1));
        assertThatThrownBy(() -> MapRules.checkAndRender(map, "uid"))
                .hasMessageContaining("overlap outside")
                .extracting(e -> ((InvalidMappingException) e).reason()).isEqualTo(Reason.OVERLAPPING_RANGES);
    }

    @Test
    void overlapIsFoundWhateverTheOrder() {
        var map = List.of(IdMapping.of(50, 0, 1), IdMapping.of(0, 1000, 100));
        assertThat(invalid(() -> MapRules.checkAndRender(map, "uid"))).isEqualTo(Reason.OVERLAPPING_RANGES);
    }

    @Test
    void adjacentRangesDoNotOverlap() {
        var map = List.of(IdMapping.of(0, 1000, 10), IdMapping.of(10, 1010, 10));
        assertThat(MapRules.checkAndRender(map, "uid")).isNotEmpty();
    }

    @Test
    void threeHundredFortyEntriesAreAccepted() {
        assertThat(MapRules.checkAndRender(identityEntries(340), "uid")).isNotEmpty();
    }

    @Test
    void threeHundredFortyOneEntriesAreTooMany() {
        assertThat(invalid(() -> MapRules.checkAndRender(identityEntries(341), "uid")))
                .isEqualTo(Reason.TOO_MANY_EXTENTS);
    }

    @Test
    void aMapLongerThanOneWriteIsRefused() {
        // 200 lines of 30 bytes: fewer than 340 entries, but over a 4 KiB page.
        List<IdMapping> map = new ArrayList<>();
        for (long i = 0; i < 200; i++) {
            map.add(IdMapping.of(4_000_000_000L + i * 1_000_000L, 4_000_000_000L + i * 1_000_000L, 1_000_000));
        }
        assertThat(invalid(() -> MapRules.checkAndRender(map, "uid"))).isEqualTo(Reason.MAP_TOO_LONG);
    }

    @Test
    void theLongestMapThatFitsIsAccepted() {
        List<IdMapping> map = new ArrayList<>();
        int bytes = 0;
        long id = 1_000_000_000L;
        while (true) {
            String line = id + " " + id + " 1\n";
            if (bytes + line.length() > MapRules.maxBytes()) {
                break;
            }
            map.add(IdMapping.of(id, id, 1));
            bytes += line.length();
            id++;
        }
        assertThat(MapRules.checkAndRender(map, "uid")).hasSizeLessThanOrEqualTo(MapRules.maxBytes());
    }

    static List<IdMapping> identityEntries(int count) {
        return LongStream.range(0, count).mapToObj(i -> IdMapping.of(i, i, 1)).toList();
    }
}
