package dev.linx.user;

import dev.linx.user.internal.launch.Exits;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The workloads of one launcher that still run. An entry is keyed by its {@link Process} object, not its pid: the
 * pid of a workload that exited may name the next one before the first entry is removed.
 */
final class LiveWorkloads {

    private final Map<Process, Workload> live = new ConcurrentHashMap<>();

    /** Adds a workload just released; it goes once its exit is reaped. */
    Workload add(Process process, Set<Namespace> namespaces, MapSetup maps) {
        Workload workload = new Workload(process.pid(), Instant.now(), namespaces, maps);
        // Put first: a workload that is already gone completes onExit at once, and the removal must follow the put.
        live.put(process, workload);
        Exits.whenReaped(process, () -> live.remove(process));
        return workload;
    }

    /** The live workloads, oldest first. */
    List<Workload> snapshot() {
        // Made here, not in a static field: a launcher is built on an application's start-up path, a list read later.
        Comparator<Workload> byStart = Comparator.comparing(Workload::started).thenComparingLong(Workload::pid);
        return live.values().stream().sorted(byStart).toList();
    }
}
