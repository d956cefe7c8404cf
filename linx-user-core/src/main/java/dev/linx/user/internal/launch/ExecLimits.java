package dev.linx.user.internal.launch;

import dev.linx.user.internal.sys.ErrnoException;
import dev.linx.user.internal.sys.LibC;
import dev.linx.user.internal.sys.Syscalls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Whether {@code execve(2)} would take an argv with the JVM's environment, computed as the kernel computes it
 * ({@code fs/exec.c}: {@code bprm_stack_limits} and {@code copy_strings}), so that a prepared start fails before its
 * child is handed anything instead of leaving the parked shell to fail the {@code exec} ({@code E2BIG}, exit 126).
 *
 * <p>The kernel refuses any one string longer than {@link #MAX_ARG_STRLEN} with its NUL, and a total (the file name,
 * every environment and argument string with its NUL, plus one pointer per string) above a quarter of the stack
 * limit, capped at 6 MiB (three quarters of {@code _STK_LIM}) and at least 128 KiB ({@code ARG_MAX}).
 *
 * <pre>{@code
 * ExecLimits.check(List.of(), List.of("printf", "x".repeat(200_000)), "/usr/bin/printf");   // throws: too long
 * }</pre>
 */
final class ExecLimits {

    /** The longest string {@code execve(2)} takes, terminating NUL included: 32 pages of 4 KiB. */
    static final int MAX_ARG_STRLEN = 32 * 4096;
    private static final long ARG_MAX = 32 * 4096;
    private static final long STK_LIM_THREE_QUARTERS = 6L << 20;
    private static final long POINTER = 8;

    private ExecLimits() {
    }

    /**
     * Checks that the parked shell's {@code exec} of {@code prefix + argv}, found at {@code file}, with the JVM's
     * environment, fits what the kernel takes.
     *
     * @throws UncheckedIOException when it does not (an {@link IOException} cause, as a cold start's failed spawn)
     */
    static void check(List<String> prefix, List<String> argv, String file) {
        long total = bytes(file, "the program's path");
        for (String arg : prefix) {
            total += bytes(arg, "an argument");
        }
        for (String arg : argv) {
            total += bytes(arg, "an argument");
        }
        long limit = Environment.STACK_ARG_LIMIT;
        if (limit < 0) {
            // The stack limit could not be read: the total is left to the kernel, as before.
            return;
        }
        total += Environment.BYTES + POINTER * (Environment.COUNT + Math.max(1, prefix.size() + argv.size()));
        if (total > limit) {
            throw tooBig("the argv and environment take " + total + " bytes, pointers included; execve(2) takes "
                    + limit + " with this JVM's stack limit");
        }
    }

    /** {@code arg}'s size on the new program's stack: its UTF-8 bytes and its NUL. */
    private static long bytes(String arg, String what) {
        // A UTF-8 encoding takes at most 3 bytes per char: most strings need no encoding to be measured.
        long size = arg.length() * 3L + 1 > MAX_ARG_STRLEN ? arg.getBytes(StandardCharsets.UTF_8).length + 1L
                : utf8Length(arg) + 1L;
        if (size > MAX_ARG_STRLEN) {
            throw tooBig(what + " is longer than execve(2) takes (" + MAX_ARG_STRLEN
                    + " bytes with its terminating NUL)");
        }
        return size;
    }

    private static long utf8Length(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    private static UncheckedIOException tooBig(String why) {
        String message = "could not start the workload: " + why + " (E2BIG, Argument list too long)";
        return new UncheckedIOException(message, new IOException(message));
    }

    /**
     * The JVM's environment as the parked shell passes it on, and the stack limit its {@code exec} runs under; both
     * fixed for the life of the JVM (a child inherits the JVM's limits when it is spawned, and nothing in a JVM
     * changes its environment or its stack limit), so measured once.
     */
    private static final class Environment {

        /** The environment strings' bytes, NULs included. */
        static final long BYTES;
        /** How many environment strings. */
        static final long COUNT;
        /** What {@code execve(2)} takes in all for this JVM's stack limit, or {@code -1} if unknown. */
        static final long STACK_ARG_LIMIT = stackArgLimit();

        static {
            Map<String, String> env = System.getenv();
            long bytes = 0;
            for (Map.Entry<String, String> e : env.entrySet()) {
                if (!e.getKey().equals("PWD")) {
                    bytes += utf8Length(e.getKey()) + 1 + utf8Length(e.getValue()) + 1;
                }
            }
            // dash exports PWD, the working directory, whether or not it came with one: the longer of the two.
            String given = env.getOrDefault("PWD", "");
            String cwd = System.getProperty("user.dir", "");
            bytes += 4 + Math.max(utf8Length(given), utf8Length(cwd)) + 1;
            BYTES = bytes;
            COUNT = env.containsKey("PWD") ? env.size() : env.size() + 1;
        }

        private Environment() {
        }

        /** From the soft {@code RLIMIT_STACK} in {@code /proc/self/limits}: "Max stack size  8388608  unlimited  bytes". */
        private static long stackArgLimit() {
            String text;
            try (Syscalls sys = Syscalls.open()) {
                int fd = sys.open("/proc/self/limits", LibC.O_RDONLY | LibC.O_CLOEXEC);
                try {
                    text = new String(sys.readAll(fd, 8192), StandardCharsets.US_ASCII);
                } finally {
                    sys.close(fd);
                }
            } catch (ErrnoException e) {
                return -1;
            }
            for (String line : text.split("\n")) {
                if (line.startsWith("Max stack size")) {
                    String[] fields = line.substring("Max stack size".length()).trim().split("\\s+");
                    if (fields.length == 0) {
                        return -1;
                    }
                    if (fields[0].equals("unlimited")) {
                        return STK_LIM_THREE_QUARTERS;
                    }
                    try {
                        long soft = Long.parseLong(fields[0]);
                        return Math.max(Math.min(STK_LIM_THREE_QUARTERS, soft / 4), ARG_MAX);
                    } catch (NumberFormatException e) {
                        return -1;
                    }
                }
            }
            return -1;
        }
    }
}
