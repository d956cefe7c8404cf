package dev.linx.user;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Destroys a launched workload from a JVM of its own, run by {@link SubordinateWorkloadDestroyTest} as an unprivileged
 * user whose maps put root inside on a subordinate id: a host id the JVM neither has nor may take. The workload forks
 * two background sleeps, is destroyed forcibly, and the probe prints the exit status and how many of the sleeps are
 * left anywhere on the host. Uses no test library.
 */
public final class DestroyProbe {

    private DestroyProbe() {
    }

    public static void main(String[] args) throws Exception {
        boolean pidNamespace = args[0].equals("pid");
        SubordinateIds mine = SubordinateIds.current();
        MapSetup rootOnSubordinate = MapSetup.of(List.of(IdMapping.of(0, mine.uids().getFirst().start(), 65_536)),
                List.of(IdMapping.of(0, mine.gids().getFirst().start(), 65_536)));
        Set<Namespace> namespaces = pidNamespace ? EnumSet.of(Namespace.PID) : Set.of(Namespace.USER);
        var launcher = new UserNamespaceLauncher(UserNamespaces.operations(), rootOnSubordinate, namespaces);
        String half = Integer.toString(100_000_000 + ThreadLocalRandom.current().nextInt(900_000_000));
        Process workload = launcher.start(List.of("sh", "-c", "t=$0$0; sleep $t & sleep $t & wait", half));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (processesWith(half + half).size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        System.out.println("running " + processesWith(half + half).size() + " as host uid "
                + Files.readAllLines(Path.of("/proc/" + processesWith(half + half).getFirst() + "/status")).stream()
                        .filter(l -> l.startsWith("Uid:")).findFirst().orElseThrow().split("\\s+")[1]);
        workload.destroyForcibly();
        System.out.println("waited " + workload.waitFor(10, TimeUnit.SECONDS) + " exit " + workload.exitValue());
        // Without a PID namespace, the group's members may still be on their way out when the leader is reaped.
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(pidNamespace ? 0 : 5);
        while (!processesWith(half + half).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        List<Long> left = processesWith(half + half);
        System.out.println("left " + left.size());
        // Should any be left, end them, and with them the shell that waits for them.
        left.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    }

    /** The pids of the host's processes whose command line contains {@code token}. */
    private static List<Long> processesWith(String token) throws IOException {
        List<Long> pids = new ArrayList<>();
        try (DirectoryStream<Path> proc = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path dir : proc) {
                try {
                    if (new String(Files.readAllBytes(dir.resolve("cmdline")), StandardCharsets.UTF_8).contains(token)) {
                        pids.add(Long.parseLong(dir.getFileName().toString()));
                    }
                } catch (IOException e) {
                    // gone while listing, or not ours to read
                }
            }
        }
        return pids;
    }
}
