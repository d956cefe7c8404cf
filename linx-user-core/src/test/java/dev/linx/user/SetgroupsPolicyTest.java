package dev.linx.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.linx.user.InvalidMappingException.Reason;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Tag;

@Tag("rootless")
class SetgroupsPolicyTest {

    @ParameterizedTest
    @ValueSource(strings = {"deny", "DENY", " Deny ", "\tdeny\n"})
    void parseReadsDenyIgnoringCaseAndBlanks(String text) {
        assertThat(SetgroupsPolicy.parse(text)).isEqualTo(SetgroupsPolicy.DENY);
    }

    @ParameterizedTest
    @ValueSource(strings = {"skip", "Skip", "  SKIP"})
    void parseReadsSkipIgnoringCaseAndBlanks(String text) {
        assertThat(SetgroupsPolicy.parse(text)).isEqualTo(SetgroupsPolicy.SKIP);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"sometimes", "allow", "de ny", "denied"})
    void parseRefusesAnythingElse(String text) {
        assertThatThrownBy(() -> SetgroupsPolicy.parse(text))
                .isInstanceOf(InvalidMappingException.class)
                .extracting(e -> ((InvalidMappingException) e).reason()).isEqualTo(Reason.BAD_SETGROUPS);
    }
}
