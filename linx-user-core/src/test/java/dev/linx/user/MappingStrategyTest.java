package dev.linx.user;

import static dev.linx.user.Expect.invalid;
import static org.assertj.core.api.Assertions.assertThat;

import dev.linx.user.InvalidMappingException.Reason;
import org.junit.jupiter.api.Test;

class MappingStrategyTest {

    @Test
    void theThreeStrategiesParseIgnoringCaseAndBlanks() {
        assertThat(MappingStrategy.parse("auto")).isEqualTo(MappingStrategy.AUTO);
        assertThat(MappingStrategy.parse(" Direct ")).isEqualTo(MappingStrategy.DIRECT);
        assertThat(MappingStrategy.parse("HELPER\t")).isEqualTo(MappingStrategy.HELPER);
    }

    @Test
    void anythingElseIsBadStrategy() {
        assertThat(invalid(() -> MappingStrategy.parse("newuidmap"))).isEqualTo(Reason.BAD_STRATEGY);
        assertThat(invalid(() -> MappingStrategy.parse(""))).isEqualTo(Reason.BAD_STRATEGY);
        assertThat(invalid(() -> MappingStrategy.parse(null))).isEqualTo(Reason.BAD_STRATEGY);
    }

    @Test
    void theDefaultOperationsAreTheAutoOnes() {
        assertThat(UserNamespaces.operations()).isSameAs(UserNamespaces.operations(MappingStrategy.AUTO));
    }

    @Test
    void eachStrategyHasItsOwnOperations() {
        assertThat(UserNamespaces.operations(MappingStrategy.DIRECT))
                .isNotSameAs(UserNamespaces.operations(MappingStrategy.HELPER))
                .isNotSameAs(UserNamespaces.operations(MappingStrategy.AUTO));
    }
}
