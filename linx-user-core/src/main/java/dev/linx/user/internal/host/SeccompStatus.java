package dev.linx.user.internal.host;

import dev.linx.user.HostReadiness.Check;
import dev.linx.user.HostReadiness.Finding;
import dev.linx.user.HostReadiness.Status;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The seccomp mode of the calling thread, from the {@code Seccomp:} and {@code Seccomp_filters:} lines of
 * {@code /proc/thread-self/status}. The thread's, not the thread-group leader's ({@code /proc/self/status}): a child
 * inherits the filters of the thread that starts it. A container runtime installs its profile before the JVM starts,
 * for every thread, so the two agree there.
 *
 * <p>Container profiles (Docker's and containerd's defaults among them) refuse {@code unshare(2)} and {@code clone(2)}
 * with {@code CLONE_NEWUSER} to a process without {@code CAP_SYS_ADMIN}, with {@code EPERM}. Which calls a filter
 * refuses cannot be read from the process itself, and trying one from the JVM could kill it (a filter may answer
 * with {@code SIGSYS}), so only the mode is reported, and a failed launch under a filter names it as the likely cause.
 *
 * @param mode 0 (none), 1 (strict) or 2 (filter)
 * @param filters how many filters are installed ({@code Seccomp_filters:}, Linux 5.9 and later), or -1 when not shown
 */
public record SeccompStatus(int mode, int filters) {

    /** The file read for this thread. */
    static final String THREAD_STATUS = "/proc/thread-self/status";

    /** The calling thread's status; empty on a kernel without seccomp (no {@code Seccomp:} line). */
    public static Optional<SeccompStatus> current() {
        return read(Path.of(THREAD_STATUS));
    }

    /** The status from a {@code status} file; empty when it cannot be read or has no {@code Seccomp:} line. */
    static Optional<SeccompStatus> read(Path status) {
        String text;
        // Not through ProcText: the Name: line may hold any bytes, which an ASCII decoder refuses.
        try (InputStream in = new FileInputStream(status.toFile())) {
            text = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return Optional.empty();
        }
        int mode = -1;
        int filters = -1;
        for (String line : text.split("\n")) {
            if (line.startsWith("Seccomp:")) {
                mode = number(line.substring("Seccomp:".length()));
            } else if (line.startsWith("Seccomp_filters:")) {
                filters = number(line.substring("Seccomp_filters:".length()));
            }
        }
        return mode < 0 ? Optional.empty() : Optional.of(new SeccompStatus(mode, filters));
    }

    /** The readiness finding for the thread whose {@code status} file this is. */
    static Finding finding(Path status) {
        Optional<SeccompStatus> read = read(status);
        if (read.isEmpty()) {
            return new Finding(Check.SECCOMP, Status.SKIPPED, status + " has no Seccomp: line (a kernel without"
                    + " seccomp)", "");
        }
        SeccompStatus seccomp = read.get();
        String evidence = seccomp.describe() + " in " + status;
        return switch (seccomp.mode()) {
            case 0 -> new Finding(Check.SECCOMP, Status.OK, evidence + ": no seccomp filter", "");
            case 2 -> new Finding(Check.SECCOMP, Status.WARN, evidence + ": a seccomp filter may refuse unshare(2)"
                    + " and clone(2) with CLONE_NEWUSER (the default profiles of Docker and containerd do without"
                    + " CAP_SYS_ADMIN); a launch then fails with 'Operation not permitted', and the filter is the"
                    + " likely cause", "if launches fail: " + fix());
            case 1 -> new Finding(Check.SECCOMP, Status.FAIL, evidence + ": strict mode allows only read, write,"
                    + " exit and sigreturn", "run without seccomp strict mode");
            default -> new Finding(Check.SECCOMP, Status.WARN, evidence + ": a mode this library does not know",
                    "");
        };
    }

    /** Whether a seccomp filter is installed (mode 2). */
    public boolean filtered() {
        return mode == 2;
    }

    /** e.g. {@code Seccomp: 2 (filter), Seccomp_filters: 1}. */
    public String describe() {
        String name = switch (mode) {
            case 0 -> "disabled";
            case 1 -> "strict";
            case 2 -> "filter";
            default -> "unknown";
        };
        return "Seccomp: " + mode + " (" + name + ")" + (filters < 0 ? "" : ", Seccomp_filters: " + filters);
    }

    /**
     * The likely cause of a helper failure under a filter, for an error message: names the filter, the calls it
     * probably refuses, and the fix.
     */
    public String likelyCause() {
        return "this thread runs under a seccomp filter (" + describe() + " in " + THREAD_STATUS + "), the likely"
                + " cause: container profiles such as Docker's and containerd's defaults refuse unshare(2) and clone(2)"
                + " with CLONE_NEWUSER without CAP_SYS_ADMIN (EPERM); " + fix();
    }

    /** What to do about a filter that refuses user namespaces. */
    static String fix() {
        return "run with a seccomp profile that allows unshare and clone with CLONE_NEWUSER (Kubernetes:"
                + " securityContext.seccompProfile of type Localhost with such a profile; Docker: --security-opt"
                + " seccomp=<profile>)";
    }

    private static int number(String text) {
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
