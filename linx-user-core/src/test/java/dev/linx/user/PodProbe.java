package dev.linx.user;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/**
 * Scenarios run inside a {@link PodNamespace} by {@link PodTest}: what an application sees in a pod. Prints result
 * lines; uses no test library, so it needs only the core's classes.
 */
public final class PodProbe {

    private PodProbe() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "whoami" -> System.out.println("whoami " + new String(new ProcessBuilder("id").start()
                    .getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip());
            case "map" -> map(IdMapping.parse(args[1]));
            case "launch" -> launch();
            case "park" -> park();
            default -> throw new IllegalArgumentException(args[0]);
        }
        System.out.println("children-left "
                + ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count());
    }

    /** Maps a parked child with one entry (uid and gid), as root of the pod writes it: directly. */
    private static void map(IdMapping entry) {
        UserNamespaceOperations ops = UserNamespaces.operations(MappingStrategy.DIRECT);
        try (ParkedProcess child = ParkedProcess.start(List.of("true"), Set.of(Namespace.USER))) {
            ops.setupMaps(child.hostPid(), MapSetup.of(List.of(entry), List.of(entry)));
            System.out.println("mapped uid_map " + ops.readUidMap(child.hostPid()) + " gid_map "
                    + ops.readGidMap(child.hostPid()));
        } catch (UserNamespaceException e) {
            System.out.println("refused " + e.operation() + " " + e.errno());
            System.out.println("message " + e.getMessage());
            System.out.println("hint " + e.hint().orElse(""));
        }
    }

    /** The default launcher, as the starter builds it: the workload's id inside and its maps seen from the pod. */
    private static void launch() throws Exception {
        UserNamespaceLauncher launcher = new UserNamespaceLauncher(UserNamespaces.operations(), MapSetup.rootless());
        try {
            Process workload = launcher.start(List.of("sh", "-c", "id -u; id -g; cat /proc/self/uid_map"));
            String out = new String(workload.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            System.out.println("exit " + workload.waitFor());
            out.lines().forEach(l -> System.out.println("launched " + String.join(" ", l.strip().split("\\s+"))));
        } catch (UncheckedIOException e) {
            failed(e);
        }
    }

    private static void park() {
        try (ParkedProcess child = ParkedProcess.start(List.of("true"), Set.of(Namespace.USER))) {
            System.out.println("parked");
        } catch (UncheckedIOException e) {
            failed(e);
        }
    }

    private static void failed(UncheckedIOException e) {
        System.out.println("failed " + e.getMessage());
        System.out.println("cause " + e.getCause().getClass().getSimpleName());
        if (e.getCause() instanceof UnmappedIdentityException unmapped) {
            System.out.println("unmapped uid " + unmapped.uidUnmapped() + " gid " + unmapped.gidUnmapped());
        }
    }
}
