package dev.linx.user.internal.sys;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The calling thread's effective ids and effective capabilities, as the kernel sees them now. Credentials belong to a
 * thread ({@code capset(2)} changes only the caller's), and the kernel checks the calling thread's when it writes a
 * map or starts a child, so that is the set read here, not the thread-group leader's that {@code /proc/self/status}
 * shows.
 *
 * @param euid effective user id
 * @param egid effective group id
 * @param effectiveCapabilities the {@code CapEff} bit set of {@code /proc/thread-self/status}
 */
public record Credentials(long euid, long egid, long effectiveCapabilities) {

    /** {@code CAP_SETGID}. */
    public static final int CAP_SETGID = 6;
    /** {@code CAP_SETUID}. */
    public static final int CAP_SETUID = 7;
    /** {@code CAP_SYS_ADMIN}. */
    public static final int CAP_SYS_ADMIN = 21;
    /** {@code CAP_SETFCAP}. */
    public static final int CAP_SETFCAP = 31;

    private static final String STATUS = "/proc/thread-self/status";

    /**
     * Reads the calling thread's credentials from one read of {@code /proc/thread-self/status} ({@code Uid:},
     * {@code Gid:} and {@code CapEff:}), through plain file I/O rather than the FFM linker: the linker's first use
     * costs ~150 ms in a cold JVM, and this runs while applications start (for the rootless default). Nothing here
     * reports an errno: a thread can always read its own status.
     */
    public static Credentials current() {
        String status;
        try (InputStream in = new FileInputStream(STATUS)) {
            status = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + STATUS, e);
        }
        return parse(status);
    }

    /** The credentials a status file's text gives. */
    static Credentials parse(String status) {
        long euid = -1;
        long egid = -1;
        long capabilities = 0;
        for (String line : status.split("\n")) {
            if (line.startsWith("Uid:")) {
                euid = effective(line);
            } else if (line.startsWith("Gid:")) {
                egid = effective(line);
            } else if (line.startsWith("CapEff:")) {
                capabilities = Long.parseUnsignedLong(line.substring("CapEff:".length()).strip(), 16);
            }
        }
        if (euid < 0 || egid < 0) {
            throw new IllegalStateException(STATUS + " has no Uid: or Gid: line");
        }
        return new Credentials(euid, egid, capabilities);
    }

    /** The second of the four ids on a {@code Uid:} or {@code Gid:} line: real, effective, saved, filesystem. */
    private static long effective(String line) {
        // By hand, not split("\\s+"): a regex compiled in a cold JVM costs the start-up path that reads this.
        int start = 4;
        while (start < line.length() && Character.isWhitespace(line.charAt(start))) {
            start++;
        }
        while (start < line.length() && !Character.isWhitespace(line.charAt(start))) {
            start++;
        }
        while (start < line.length() && Character.isWhitespace(line.charAt(start))) {
            start++;
        }
        int end = start;
        while (end < line.length() && !Character.isWhitespace(line.charAt(end))) {
            end++;
        }
        return Long.parseLong(line, start, end, 10);
    }

    /** Whether the capability is in the effective set. */
    public boolean has(int capability) {
        return (effectiveCapabilities & (1L << capability)) != 0;
    }

    /** Whether the calling thread may take any host uid and gid ({@code CAP_SETUID} and {@code CAP_SETGID}). */
    public boolean canChangeIds() {
        return has(CAP_SETUID) && has(CAP_SETGID);
    }
}
