package dev.linx.user.internal.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The argv message's encoding, without a kernel; PreparedLauncherTest checks what the shell makes of it. */
class ArgvHandoverTest {

    private static String encoded(String... argv) {
        return new String(ArgvHandover.encode(List.of(argv)), StandardCharsets.UTF_8);
    }

    @Test
    void eachArgumentStartsALineWithAPlusAndTheListEndsWithABang() {
        assertThat(encoded("printf", "%s")).isEqualTo("+printf\n+%s\n!\n");
    }

    @Test
    void aNewlineInsideAnArgumentContinuesItOnALineStartingWithADot() {
        assertThat(encoded("a\nb", "\n", "c\n")).isEqualTo("+a\n.b\n+\n.\n+c\n.\n!\n");
    }

    @Test
    void anEmptyArgumentIsAPlusAlone() {
        assertThat(encoded("", "")).isEqualTo("+\n+\n!\n");
    }

    @Test
    void shellSyntaxIsCarriedAsPlainBytes() {
        assertThat(encoded("$(id)", "`id`", "*", "'\"\\")).isEqualTo("+$(id)\n+`id`\n+*\n+'\"\\\n!\n");
    }

    @Test
    void nonAsciiIsEncodedAsUtf8() {
        assertThat(ArgvHandover.encode(List.of("é"))).containsExactly('+', 0xc3 - 256, 0xa9 - 256, '\n', '!', '\n');
    }

    @Test
    void nulIsRefused() {
        assertThatThrownBy(() -> ArgvHandover.encode(List.of("a\0b"))).isInstanceOf(IllegalArgumentException.class);
    }
}
