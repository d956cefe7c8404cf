package dev.linx.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.linx.user.InvalidMappingException.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Tag;

@Tag("rootless")
class IdMappingTest {

    @Test
    void ofKeepsTheThreeNumbers() {
        IdMapping m = IdMapping.of(0, 1000, 1);
        assertThat(m.inside()).isZero();
        assertThat(m.outside()).isEqualTo(1000);
        assertThat(m.length()).isEqualTo(1);
    }

    @Test
    void theWholeIdSpaceIsOneValidRange() {
        IdMapping all = IdMapping.of(0, 0, 4_294_967_295L);
        assertThat(all.lastInside()).isEqualTo(4_294_967_294L);
    }

    @Test
    void theLargestIdIsValidWithLengthOne() {
        assertThat(IdMapping.of(4_294_967_294L, 4_294_967_294L, 1).lastOutside()).isEqualTo(4_294_967_294L);
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource({
            "-1, 1000, 1",
            "0, -1, 1",
            "4294967295, 0, 1",
            "0, 4294967295, 1",
            "0, 1000, 0",
            "0, 1000, -5",
            "1, 0, 4294967295",
            "0, 1, 4294967295",
            "4294967290, 0, 6",
    })
    void aRangeTheKernelWouldRefuseIsABadEntry(long inside, long outside, long length) {
        assertThatThrownBy(() -> IdMapping.of(inside, outside, length))
                .isInstanceOf(InvalidMappingException.class)
                .hasMessageContaining("{" + inside + ", " + outside + ", " + length + "}")
                .extracting(e -> ((InvalidMappingException) e).reason()).isEqualTo(Reason.BAD_ENTRY);
    }

    @Test
    void theCanonicalConstructorValidatesLikeOf() {
        assertThatThrownBy(() -> new IdMapping(-1, 1000, 1))
                .isInstanceOf(InvalidMappingException.class)
                .extracting(e -> ((InvalidMappingException) e).reason()).isEqualTo(Reason.BAD_ENTRY);
    }

    @Test
    void invalidMappingExceptionIsAnIllegalArgumentException() {
        assertThatThrownBy(() -> IdMapping.of(0, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0 1000 1", "0:1000:1", "  0 1000 1  ", "0\t1000\t1", "         0       1000          1",
            "0 \t 1000  \t1\n"})
    void parseAcceptsTheKernelFormatAndTheColonForm(String text) {
        assertThat(IdMapping.parse(text)).isEqualTo(IdMapping.of(0, 1000, 1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "0 1000", "0 1000 1 2", "0:1000", "0:1000:1:2", "a b c", "0 1000 1x", "-1 1000 1",
            "+1 1000 1", "0: 1000:1", "0 :1000: 1", "0:1000 1", "0,1000,1", "0x10 0 1", "1e3 0 1",
            "99999999999999999999 0 1"})
    void parseRefusesAnythingElseAsABadEntry(String text) {
        assertThatThrownBy(() -> IdMapping.parse(text))
                .isInstanceOf(InvalidMappingException.class)
                .hasMessageContaining("'" + text + "'")
                .extracting(e -> ((InvalidMappingException) e).reason()).isEqualTo(Reason.BAD_ENTRY);
    }

    @Test
    void parseOfNullIsABadEntry() {
        assertThatThrownBy(() -> IdMapping.parse(null))
                .extracting(e -> ((InvalidMappingException) e).reason()).isEqualTo(Reason.BAD_ENTRY);
    }

    @Test
    void parseRefusesAParsableButInvalidRange() {
        assertThatThrownBy(() -> IdMapping.parse("0:1000:0"))
                .extracting(e -> ((InvalidMappingException) e).reason()).isEqualTo(Reason.BAD_ENTRY);
    }

    @Test
    void toStringOfOneIdIsCompact() {
        assertThat(IdMapping.of(0, 1000, 1)).hasToString("IdMapping<0 -> 1000>");
    }

    @Test
    void toStringOfARangeShowsInclusiveEnds() {
        assertThat(IdMapping.of(0, 100_000, 65_536)).hasToString("IdMapping<0..65535 -> 100000..165535>");
    }
}
