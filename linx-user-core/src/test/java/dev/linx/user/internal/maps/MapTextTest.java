package dev.linx.user.internal.maps;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linx.user.IdMapping;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

@Tag("rootless")
class MapTextTest {

    @Test
    void parsesTheKernelsPaddedFormat() {
        String text = "         0       1000          1\n         1     100000      65535\n";
        assertThat(MapText.parseMap(text))
                .containsExactly(IdMapping.of(0, 1000, 1), IdMapping.of(1, 100000, 65535));
    }

    @Test
    void anEmptyFileIsAnEmptyMap() {
        assertThat(MapText.parseMap("")).isEmpty();
    }

    @Test
    void malformedLinesAreSkippedAndWellFormedOnesKept() {
        String text = "0 1000 1\nfuture extension\n\n1 2 3 4\n5 6\n2 2000 1\n0 0 0\n";
        assertThat(MapText.parseMap(text)).containsExactly(IdMapping.of(0, 1000, 1), IdMapping.of(2, 2000, 1));
    }

    @Test
    void aLastLineWithoutNewlineIsKept() {
        assertThat(MapText.parseMap("0 1000 1")).containsExactly(IdMapping.of(0, 1000, 1));
    }

    @Test
    void leadingZerosDoNotCountTowardsANumbersLengthAsForTheKernelsSimpleStrtoul() {
        String zeros = "0".repeat(30);
        assertThat(IdMapping.parse(zeros + "1 1000 1")).isEqualTo(IdMapping.of(1, 1000, 1));
        assertThat(IdMapping.parse("0:" + zeros + "1000:1")).isEqualTo(IdMapping.of(0, 1000, 1));
        assertThat(IdMapping.parse(zeros + " 1000 1")).isEqualTo(IdMapping.of(0, 1000, 1));
        assertThat(MapText.parseMap("0 " + zeros + "1000 " + zeros + "1\n")).containsExactly(IdMapping.of(0, 1000, 1));
    }

    @Test
    void aNumberOfNineteenSignificantDigitsIsNotReadEvenAfterLeadingZeros() {
        assertThat(MapText.parseFields("0 0 " + "0".repeat(5) + "1" + "0".repeat(18))).isNull();
        assertThat(MapText.parseFields("0 0 1" + "0".repeat(17))).containsExactly(0, 0, 100_000_000_000_000_000L);
    }

    @Test
    void renderingThenParsingRoundTrips() {
        var map = MapRulesTest.identityEntries(340);
        assertThat(MapText.parseMap(new String(MapText.render(map)))).isEqualTo(map);
    }
}
