package dev.linx.user.internal.launch;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The size check before a prepared child is handed its argv; PreparedLauncherTest checks it against the kernel. */
class ExecLimitsTest {

    @Test
    void anArgumentUpToMaxArgStrlenWithItsNulFits() {
        assertThatCode(() -> ExecLimits.check(List.of(), List.of("true", "x".repeat(ExecLimits.MAX_ARG_STRLEN - 1)),
                "/usr/bin/true")).doesNotThrowAnyException();
    }

    @Test
    void anArgumentOneByteLongerIsRefusedAsE2big() {
        assertThatThrownBy(() -> ExecLimits.check(List.of(), List.of("true", "x".repeat(ExecLimits.MAX_ARG_STRLEN)),
                "/usr/bin/true")).isInstanceOf(UncheckedIOException.class).hasCauseInstanceOf(IOException.class)
                .hasMessageContaining("E2BIG").hasMessageContaining("an argument is longer");
    }

    @Test
    void anArgumentIsMeasuredInUtf8Bytes() {
        assertThatThrownBy(() -> ExecLimits.check(List.of(), List.of("é".repeat(ExecLimits.MAX_ARG_STRLEN / 2)),
                "/usr/bin/true")).hasMessageContaining("E2BIG");
    }

    @Test
    void theRootInsidePrefixCountsToo() {
        assertThatThrownBy(() -> ExecLimits.check(List.of("x".repeat(ExecLimits.MAX_ARG_STRLEN)), List.of("true"),
                "/usr/bin/true")).hasMessageContaining("E2BIG");
    }

    @Test
    void aTotalAboveSixMebibytesIsRefusedWhateverTheStackLimit() {
        List<String> argv = new java.util.ArrayList<>(List.of("true"));
        for (int i = 0; i < 64; i++) {
            argv.add("y".repeat(100_000));
        }
        assertThatThrownBy(() -> ExecLimits.check(List.of(), argv, "/usr/bin/true"))
                .isInstanceOf(UncheckedIOException.class).hasCauseInstanceOf(IOException.class)
                .hasMessageContaining("E2BIG").hasMessageContaining("stack limit");
    }
}
