package dev.linx.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link IdRange}: validation like an outside range, parsing, and the range arithmetic the pool relies on. */
class IdRangeTest {

    @Test
    void theWholeIdSpaceIsOneValidRange() {
        assertThat(new IdRange(0, 4_294_967_295L).last()).isEqualTo(4_294_967_294L);
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1:1", "0:0", "4294967295:1", "4294967294:2", "1:9223372036854775807"})
    void aRangeTheKernelCouldNotMapIsABadEntry(String text) {
        String[] parts = text.split(":");
        assertThatThrownBy(() -> new IdRange(Long.parseLong(parts[0]), Long.parseLong(parts[1])))
                .isInstanceOfSatisfying(InvalidMappingException.class,
                        e -> assertThat(e.reason()).isEqualTo(InvalidMappingException.Reason.BAD_ENTRY));
    }

    @Test
    void parseReadsStartColonCountWithSurroundingBlanks() {
        assertThat(IdRange.parse(" 100000:65536 ")).isEqualTo(new IdRange(100_000, 65_536));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "100000", "100000:", ":5", "a:5", "1:2:3", "-1:5", "1 : 5", "0:0",
            "99999999999999999999:1"})
    void parseRefusesAnythingElseAsABadEntry(String text) {
        assertThatThrownBy(() -> IdRange.parse(text)).isInstanceOfSatisfying(InvalidMappingException.class,
                e -> assertThat(e.reason()).isEqualTo(InvalidMappingException.Reason.BAD_ENTRY));
    }

    @Test
    void parseRefusesNull() {
        assertThatThrownBy(() -> IdRange.parse(null)).isInstanceOf(InvalidMappingException.class);
    }

    @Test
    void toStringShowsInclusiveEndsOrTheSingleId() {
        assertThat(new IdRange(100_000, 65_536)).hasToString("100000..165535");
        assertThat(new IdRange(1000, 1)).hasToString("1000");
    }

    @Test
    void containsCoversBothEndsOnly() {
        IdRange range = new IdRange(10, 5);
        assertThat(range.contains(9)).isFalse();
        assertThat(range.contains(10)).isTrue();
        assertThat(range.contains(14)).isTrue();
        assertThat(range.contains(15)).isFalse();
    }

    @Test
    void rangesOverlapWhenTheyShareOneId() {
        IdRange range = new IdRange(10, 5);
        assertThat(range.overlaps(new IdRange(14, 1))).isTrue();
        assertThat(range.overlaps(new IdRange(0, 11))).isTrue();
        assertThat(range.overlaps(new IdRange(15, 1))).isFalse();
        assertThat(range.overlaps(new IdRange(0, 10))).isFalse();
    }
}
