package dev.linx.user.internal.sys;

import java.nio.charset.StandardCharsets;

/**
 * This process's effective ids and effective capabilities, as the kernel sees them now.
 *
 * @param euid effective user id
 * @param egid effective group id
 * @param effectiveCapabilities the {@code CapEff} bit set of {@code /proc/self/status}
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

    /** Reads the current credentials. */
    public static Credentials current() {
        return new Credentials(LibC.geteuid(), LibC.getegid(), readEffectiveCapabilities());
    }

    /** Whether the capability is in the effective set. */
    public boolean has(int capability) {
        return (effectiveCapabilities & (1L << capability)) != 0;
    }

    /** Whether this process may take any host uid and gid ({@code CAP_SETUID} and {@code CAP_SETGID}). */
    public boolean canChangeIds() {
        return has(CAP_SETUID) && has(CAP_SETGID);
    }

    private static long readEffectiveCapabilities() {
        try (Syscalls sys = Syscalls.open()) {
            int fd = sys.open("/proc/self/status", LibC.O_RDONLY | LibC.O_CLOEXEC);
            String status;
            try {
                status = new String(sys.readAll(fd, 64 * 1024), StandardCharsets.US_ASCII);
            } finally {
                sys.close(fd);
            }
            for (String line : status.split("\n")) {
                if (line.startsWith("CapEff:")) {
                    return Long.parseUnsignedLong(line.substring("CapEff:".length()).strip(), 16);
                }
            }
            return 0;
        } catch (ErrnoException e) {
            return 0;
        }
    }
}
