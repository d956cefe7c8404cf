package dev.linx.user.internal.launch;

import dev.linx.user.Namespace;
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
 *   <li>reports its own pid as the host sees it (read from {@code /proc/self/stat}, which resolves in the host's
 *       procfs even inside a new PID namespace) on stdout: that is readiness;</li>
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
 */
final class HelperCommand {

    /** The line the script prints at the checkpoint, followed by its host pid. */
    static final String READY = "linx-ready ";

    static final String SCRIPT = "read -r linx_pid linx_rest < /proc/self/stat"
            + " && printf '" + READY + "%s\\n' \"$linx_pid\""
            + " && read -r linx_go"
            + " && exec \"$@\"";

    /**
     * The script with a PID namespace: pid 1 of the namespace is a subshell, whose status the shell exits with. The
     * shell's own stderr goes to /dev/null, the subshell's stays the workload's: a shell reports a child killed by a
     * signal ("Killed") on its stderr, which is not the workload's to read. No descriptor beyond the three is left to
     * the subshell.
     */
    static final String PID_NAMESPACE_SCRIPT = "exec 3>&2 2>/dev/null; (" + SCRIPT + ") 2>&3 3>&-; exit $?";

    /** Index of the marker in the parked shell's argv: {@code /bin/sh -c SCRIPT MARKER workload...}. */
    static final int MARKER_INDEX = 3;

    private HelperCommand() {
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
        command.add(spec.namespaces().contains(Namespace.PID) ? PID_NAMESPACE_SCRIPT : SCRIPT);
        command.add(marker);
        if (spec.rootInside() != null) {
            // Runs after the checkpoint, when the maps exist: the ids it takes must be mapped by then.
            command.add(Executables.requireHelper("setpriv"));
            if (spec.rootInside().uid()) {
                command.add("--reuid=0");
            }
            if (spec.rootInside().gid()) {
                command.add("--regid=0");
            }
            command.add("--keep-groups");
            // The kept capabilities served only for the switch: the workload starts with root's sets inside, as a
            // child that was root from the start would, and no inheritable or ambient ones.
            command.add("--inh-caps=-all");
            command.add("--ambient-caps=-all");
            command.add("--");
        }
        command.addAll(spec.argv());
        return command;
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
