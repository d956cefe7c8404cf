package dev.linx.user.internal.launch;

import java.io.ByteArrayOutputStream;
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

    /**
     * The longest argument {@code execve(2)} accepts, terminating NUL included ({@code MAX_ARG_STRLEN}, 32 pages of
     * 4 KiB): a longer one fails the cold start's spawn with {@code E2BIG}, and must fail a prepared start as early.
     */
    static final int MAX_ARG_BYTES = 32 * 4096;

    private ArgvHandover() {
    }

    /**
     * The message for {@code argv}, encoded as UTF-8 as the cold start's command line is.
     *
     * @throws IllegalArgumentException for an argument holding NUL
     */
    public static byte[] encode(List<String> argv) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        for (String arg : argv) {
            if (arg.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("argv element contains a NUL character");
            }
            byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
            out.write('+');
            int start = 0;
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] == '\n') {
                    out.write(bytes, start, i - start);
                    out.write('\n');
                    out.write('.');
                    start = i + 1;
                }
            }
            out.write(bytes, start, bytes.length - start);
            out.write('\n');
        }
        out.write('!');
        out.write('\n');
        return out.toByteArray();
    }

    /**
     * Whether {@code execve(2)} could take {@code argv}: no argument longer than {@link #MAX_ARG_BYTES} with its NUL.
     * The total is left to the kernel, as on a cold start (it depends on the environment and the stack limit).
     */
    static boolean fitsExec(List<String> argv) {
        for (String arg : argv) {
            // A UTF-8 encoding takes at most 3 bytes per char: most arguments need no encoding to be checked.
            if (arg.length() * 3L + 1 > MAX_ARG_BYTES
                    && arg.getBytes(StandardCharsets.UTF_8).length + 1L > MAX_ARG_BYTES) {
                return false;
            }
        }
        return true;
    }
}
