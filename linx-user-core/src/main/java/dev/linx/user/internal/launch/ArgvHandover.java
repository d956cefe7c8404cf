package dev.linx.user.internal.launch;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The message that hands a workload's argv to a child parked with {@link HelperCommand#PREPARED_SCRIPT}, over the
 * pipe that becomes the workload's stdin.
 *
 * <p>One line per argument, plus one per newline inside it: {@code +} and the text up to the argument's first newline
 * starts an argument, {@code .} and the text up to the next newline continues it after a newline, and {@code !} ends
 * the list and releases the child. The shell reads each line with {@code IFS= read -r}, which keeps every byte but
 * newline and NUL as it is (no quote, {@code $}, backtick, backslash or glob is ever interpreted: the text only
 * ever lands in a variable, and from there in {@code set -- "$@" "$linx_a"}), so an argument arrives exactly as
 * passed, whatever it holds. NUL cannot be passed to {@code exec} at all; callers reject it first.
 *
 * <pre>{@code
 * ArgvHandover.encode(List.of("printf", "a\nb", ""))   // "+printf\n+a\n.b\n+\n!\n"
 * }</pre>
 *
 * <p>dash's {@code read} takes one byte per {@code read(2)}, so the shell never consumes a byte past the {@code !}
 * line: whatever the caller writes to the workload's stdin afterwards reaches the workload.
 */
public final class ArgvHandover {

    private ArgvHandover() {
    }

    /**
     * The message for {@code argv}, encoded as UTF-8 as the cold start's command line is.
     *
     * @throws IllegalArgumentException for an argument holding NUL
     */
    public static byte[] encode(List<String> argv) {
        // Sized first and filled once: this runs on every prepared start.
        byte[][] encoded = new byte[argv.size()][];
        int length = 2;
        for (int a = 0; a < encoded.length; a++) {
            String arg = argv.get(a);
            if (arg.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("argv element contains a NUL character");
            }
            byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
            encoded[a] = bytes;
            length += bytes.length + 2;
            for (byte b : bytes) {
                if (b == '\n') {
                    length++;
                }
            }
        }
        byte[] message = new byte[length];
        int at = 0;
        for (byte[] bytes : encoded) {
            message[at++] = '+';
            for (byte b : bytes) {
                message[at++] = b;
                if (b == '\n') {
                    message[at++] = '.';
                }
            }
            message[at++] = '\n';
        }
        message[at++] = '!';
        message[at] = '\n';
        return message;
    }
}
