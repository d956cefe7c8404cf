package dev.linx.user.internal.launch;

import dev.linx.user.Namespace;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of the small external step that creates the namespaces and parks: util-linux {@code unshare}
 * (optionally behind {@code setpriv} for another host identity) running {@code /bin/sh} with a three-step script
 * (optionally exec'ing the workload through {@code setpriv}, to take root inside).
 *
 * <p>The JVM cannot create the user namespace itself: the kernel refuses {@code unshare(CLONE_NEWUSER)} in a
 * multithreaded process. The script runs inside the new namespaces and
 * <ol>
 *   <li>reports its own pid as the host sees it on stdout ({@code $$}, or, as pid 1 of a new PID namespace, read
 *       from {@code /proc/self/stat}, which resolves in the host's procfs): that is readiness;</li>
 *   <li>blocks reading one line from stdin: that is the checkpoint; end of input instead aborts without running
 *       anything;</li>
 *   <li>{@code exec}s the workload, which inherits stdin, stdout and stderr, looked up on the PATH.</li>
 * </ol>
 * {@code $0} of the script is a per-child marker, so the parent can check in {@code /proc/<pid>/cmdline} that the pid
 * it was told is this child and no other.
 *
 * <p>With a PID namespace, {@code unshare --pid} moves only the children of the shell it starts into the namespace:
 * that shell runs the script in a subshell, which is pid 1 of the namespace, waits for it and exits with its status
 * ({@link #PID_NAMESPACE_SCRIPT}). {@code unshare --fork} would do the same, but util-linux 2.38 cannot pass on the
 * end of a child killed by {@code SIGKILL}: it exits with status 1 and prints {@code sigprocmask unblock failed} on the
 * workload's stderr. A shell exits with 128 + the signal, the status the JDK reports for a killed process; and its
 * {@code --kill-child} would not have ended a released workload anyway (see {@link Termination}).
 *
 * <p>A prepared child ({@link ParkSpec#argvAtRelease()}) is parked before its workload is known: its shell runs
 * {@link #PREPARED_SCRIPT}, which at step 2 reads the workload's argv from stdin ({@link ArgvHandover}) instead of one
 * line, and appends it to its positional parameters (empty, or the {@code setpriv} prefix) before the {@code exec}.
 */
final class HelperCommand {

    /** The line the script prints at the checkpoint, followed by its host pid. */
    static final String READY = "linx-ready ";

    /**
     * Readiness without a PID namespace: the shell's own pid, {@code $$}, is the one the host sees, since the shell is
     * in this JVM's PID namespace. A builtin expansion: no read at all.
     */
    private static final String READY_BY_SELF = "printf '" + READY + "%s\\n' \"$$\"";

    /**
     * Readiness as pid 1 of a new PID namespace, whose {@code $$} would be the outer shell's and whose own pid is 1:
     * read from {@code /proc/self/stat}, which resolves in the host's procfs. dash's {@code read} takes it one byte
     * per {@code read(2)}, some 300 system calls, which is why it is kept to the PID-namespace case.
     */
    private static final String READY_BY_STAT = "read -r linx_pid linx_rest < /proc/self/stat"
            + " && printf '" + READY + "%s\\n' \"$linx_pid\"";

    private static final String CHECKPOINT = " && read -r linx_go && exec \"$@\"";

    /** The script without a PID namespace. */
    static final String SCRIPT = READY_BY_SELF + CHECKPOINT;

    /**
     * The script with a PID namespace: pid 1 of the namespace is a subshell, whose status the shell exits with. The
     * shell's own stderr goes to /dev/null, the subshell's stays the workload's: a shell reports a child killed by a
     * signal ("Killed") on its stderr, which is not the workload's to read. No descriptor beyond the three is left to
     * the subshell.
     */
    static final String PID_NAMESPACE_SCRIPT = inPidNamespace(READY_BY_STAT + CHECKPOINT);

    /**
     * After readiness, a prepared child's shell reads the workload's argv from stdin ({@link ArgvHandover}'s lines)
     * and appends it to {@code "$@"}. End of input, or a line it does not know, aborts without running anything. Its
     * variables are the shell's own, never exported: the workload's environment is the one the shell was started with.
     */
    private static final String ARGV_AT_RELEASE = " || exit 125\n"
            + "linx_n=\n"
            + "while IFS= read -r linx_l; do\n"
            + "case $linx_l in\n"
            + "+*) [ -z \"$linx_n\" ] || set -- \"$@\" \"$linx_a\"; linx_a=${linx_l#?}; linx_n=1 ;;\n"
            + ".*) linx_a=\"$linx_a\n${linx_l#?}\" ;;\n"
            + "!) [ -z \"$linx_n\" ] || set -- \"$@\" \"$linx_a\"; exec \"$@\" ;;\n"
            + "*) exit 125 ;;\n"
            + "esac\n"
            + "done\n"
            + "exit 125";

    /** {@link #SCRIPT} with the workload's argv read from stdin at release, without a PID namespace. */
    static final String PREPARED_SCRIPT = READY_BY_SELF + ARGV_AT_RELEASE;

    /** {@link #PREPARED_SCRIPT} as pid 1 of a PID namespace. */
    static final String PREPARED_PID_NAMESPACE_SCRIPT = inPidNamespace(READY_BY_STAT + ARGV_AT_RELEASE);

    /** Index of the marker in the parked shell's argv: {@code /bin/sh -c SCRIPT MARKER workload...}. */
    static final int MARKER_INDEX = 3;

    private HelperCommand() {
    }

    /**
     * {@code script} run as pid 1 of a PID namespace: in a subshell of the shell {@code unshare} starts, whose status
     * the shell exits with (see {@link #PID_NAMESPACE_SCRIPT}).
     */
    static String inPidNamespace(String script) {
        return "exec 3>&2 2>/dev/null; (" + script + ") 2>&3 3>&-; exit $?";
    }

    static List<String> build(ParkSpec spec, String marker) {
        List<String> command = new ArrayList<>();
        if (spec.hostIds() != null) {
            command.add(Executables.requireHelper("setpriv"));
            command.add("--reuid=" + spec.hostIds().uid());
            command.add("--regid=" + spec.hostIds().gid());
            command.add("--clear-groups");
        }
        command.add(Executables.requireHelper("unshare"));
        for (Namespace namespace : Namespace.values()) {
            if (spec.namespaces().contains(namespace)) {
                command.add(flag(namespace));
            }
        }
        if (spec.rootInside() != null) {
            command.add("--keep-caps");
        }
        command.add("--");
        command.add("/bin/sh");
        command.add("-c");
        boolean pid = spec.namespaces().contains(Namespace.PID);
        if (spec.argvAtRelease()) {
            command.add(pid ? PREPARED_PID_NAMESPACE_SCRIPT : PREPARED_SCRIPT);
        } else {
            command.add(pid ? PID_NAMESPACE_SCRIPT : SCRIPT);
        }
        command.add(marker);
        if (spec.rootInside() != null) {
            command.addAll(rootInsidePrefix(spec.rootInside()));
        }
        command.addAll(spec.argv());
        return command;
    }

    /**
     * What the parked shell {@code exec}s before the workload's argv to take root inside: {@code setpriv} and its
     * options. It runs after the checkpoint, when the maps exist: the ids it takes must be mapped by then.
     */
    static List<String> rootInsidePrefix(ParkSpec.RootInside rootInside) {
        List<String> prefix = new ArrayList<>();
        prefix.add(Executables.requireHelper("setpriv"));
        if (rootInside.uid()) {
            prefix.add("--reuid=0");
        }
        if (rootInside.gid()) {
            prefix.add("--regid=0");
        }
        prefix.add("--keep-groups");
        // The kept capabilities served only for the switch: the workload starts with root's sets inside, as a
        // child that was root from the start would, and no inheritable or ambient ones.
        prefix.add("--inh-caps=-all");
        prefix.add("--ambient-caps=-all");
        prefix.add("--");
        return prefix;
    }

    /**
     * The longest {@link #rootInsidePrefix} there is, to check an argv against before knowing which child runs it; empty
     * when {@code setpriv} is missing, since no child can then switch.
     */
    static List<String> longestRootInsidePrefix() {
        try {
            return rootInsidePrefix(new ParkSpec.RootInside(true, true));
        } catch (UncheckedIOException e) {
            return List.of();
        }
    }

    private static String flag(Namespace namespace) {
        return switch (namespace) {
            case USER -> "--user";
            case MOUNT -> "--mount";
            case PID -> "--pid";
            case UTS -> "--uts";
            case IPC -> "--ipc";
            case NET -> "--net";
            case CGROUP -> "--cgroup";
        };
    }
}
