package dev.linx.user.benchmarks;

import com.sun.management.ThreadMXBean;
import dev.linx.user.MapSetup;
import dev.linx.user.ParkedProcess;
import dev.linx.user.UserNamespaceOperations;
import dev.linx.user.UserNamespaces;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What one {@code setupMaps} allocates on the Java heap, isolated from the parking around it (which JMH's GC profiler
 * would count too): parks a batch of children, then counts the calling thread's allocated bytes across the
 * {@code setupMaps} calls alone. Run by {@code benchmarks/run}; prints {@code setupMaps_heap_bytes_per_op=N}.
 */
public final class AllocationProbe {

    private static final int BATCH = 100;
    private static final int ROUNDS = 5;

    private AllocationProbe() {
    }

    public static void main(String[] args) throws InterruptedException {
        UserNamespaceOperations operations = UserNamespaces.operations();
        MapSetup setup = MapSetup.rootless();
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long self = Thread.currentThread().threadId();
        long perOp = 0;
        // The last round counts: by then the path is compiled, as in a service that has started a few hundred children.
        for (int round = 0; round < ROUNDS; round++) {
            List<ParkedProcess> batch = new ArrayList<>();
            for (int i = 0; i < BATCH; i++) {
                batch.add(ParkedProcess.start(List.of("true"), Set.of()));
            }
            long before = threads.getThreadAllocatedBytes(self);
            for (ParkedProcess child : batch) {
                operations.setupMaps(child.hostPid(), setup);
            }
            perOp = (threads.getThreadAllocatedBytes(self) - before) / BATCH;
            for (ParkedProcess child : batch) {
                child.proceed().waitFor();
                child.close();
            }
        }
        System.out.println("setupMaps_heap_bytes_per_op=" + perOp);
    }
}
