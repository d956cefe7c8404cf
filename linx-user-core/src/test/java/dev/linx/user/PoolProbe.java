package dev.linx.user;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What {@link IdPoolAcrossProcessesTest} runs in JVMs of their own.
 *
 * <ul>
 *   <li>{@code hold LEDGER UIDS GIDS}: starts one isolated workload ({@code sleep}) and takes one more lease without
 *       a workload, prints {@code workload <pid> <uid block>} and {@code lease <uid block>}, then waits to be killed;</li>
 *   <li>{@code churn LEDGER UIDS GIDS THREADS ROUNDS OCCUPIED}: each thread leases 1024 ids, claims the block in
 *       OCCUPIED with a file only one holder can create, gives it back, ROUNDS times; prints {@code churned N} or
 *       {@code overlap <block>};</li>
 *   <li>{@code pod LEDGER}: as root of a pod's user namespace, two isolated workloads at once from 1024-id blocks
 *       of the pod's own ids print who they are inside and their uid map;</li>
 *   <li>{@code subordinate}: as an unprivileged user, two isolated workloads at once from {@link IdPool#subordinate()}
 *       print who they are inside and their uid map.</li>
 * </ul>
 */
final class PoolProbe {

    private PoolProbe() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "hold" -> hold(pool(args), Path.of(args[1]));
            case "churn" -> churn(pool(args), Integer.parseInt(args[4]), Integer.parseInt(args[5]), Path.of(args[6]));
            case "subordinate" -> subordinate();
            case "pod" -> pod(Path.of(args[1]));
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    private static IdPool pool(String[] args) {
        return IdPool.of(IdRange.parse(args[2]), IdRange.parse(args[3])).withLedger(Path.of(args[1]));
    }

    private static void hold(IdPool pool, Path ledger) throws Exception {
        UserNamespaceLauncher launcher = UserNamespaceLauncher.builder(UserNamespaces.operations())
                .isolated(pool, 65_536).build();
        Process workload = launcher.start(List.of("sleep", "600"));
        String uid = Kernel.field(workload.pid(), "Uid").split("\t")[0];
        IdLease lease = pool.lease(65_536);
        System.out.println("workload " + workload.pid() + " " + uid);
        System.out.println("lease " + lease.uids().start());
        System.out.flush();
        System.in.read();   // killed before this returns
    }

    private static void churn(IdPool pool, int threads, int rounds, Path occupied) throws Exception {
        AtomicBoolean overlap = new AtomicBoolean();
        AtomicInteger churned = new AtomicInteger();
        List<Thread> all = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            all.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < rounds && !overlap.get(); i++) {
                    try (IdLease lease = pool.lease(1024)) {
                        Path claim = occupied.resolve(Long.toString(lease.uids().start()));
                        try {
                            Files.createFile(claim);
                        } catch (FileAlreadyExistsException e) {
                            overlap.set(true);
                            System.out.println("overlap " + lease.uids());
                            return;
                        }
                        Thread.onSpinWait();
                        Files.delete(claim);
                        churned.incrementAndGet();
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                }
            }));
        }
        for (Thread thread : all) {
            thread.join();
        }
        if (!overlap.get()) {
            System.out.println("churned " + churned.get());
        }
    }

    private static void pod(Path ledger) throws Exception {
        IdRange ids = new IdRange(1024, 4 * 1024);
        twoAtOnce(UserNamespaceLauncher.builder(UserNamespaces.operations())
                .isolated(IdPool.of(ids, ids).withLedger(ledger), 1024).build());
    }

    private static void subordinate() throws Exception {
        twoAtOnce(UserNamespaceLauncher.builder(UserNamespaces.operations())
                .isolated(IdPool.subordinate(), 65_536).build());
    }

    private static void twoAtOnce(UserNamespaceLauncher launcher) throws Exception {
        String script = "echo \"$(id -u) $(id -g) $(cat /proc/self/uid_map) $(cat /proc/self/gid_map)\"; sleep 0.5";
        Process a = launcher.start(List.of("sh", "-c", script));
        Process b = launcher.start(List.of("sh", "-c", script));
        for (Process p : List.of(a, b)) {
            System.out.print(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                    .replaceAll("[ \t]+", " "));
            System.out.println("status " + p.waitFor());
        }
        System.out.println("children-left " + ProcessHandle.current().descendants().count());
    }
}
