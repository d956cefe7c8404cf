package dev.linx.user;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Faults that need a JVM of their own inside a wrapping namespace, run by {@link FaultsTest}: a missing helper
 * ({@code unshare} or {@code setpriv} hidden by a bind mount) and a user-namespace limit that is reached (lowered
 * inside the wrapping namespace, never globally). Prints the error's shape, then what was left behind. Uses no test library.
 */
public final class FaultProbe {

    private FaultProbe() {
    }

    public static void main(String[] args) throws IOException {
        Runnable park = () -> ParkedProcess.start(List.of("true"), Set.of()).close();
        if (args[0].equals("descriptors")) {
            descriptorsRunOut(park);
            return;
        }
        if (args[0].equals("lease-descriptors")) {
            leaseRunsOutOfDescriptors();
            return;
        }
        if (args[0].equals("read-descriptors")) {
            readRunsOutOfDescriptors();
            return;
        }
        if (args[0].equals("first-use")) {
            firstUseRunsOutOfDescriptors(args[1], park);
            return;
        }
        Runnable fault = switch (args[0]) {
            case "park", "used-up" -> park;
            case "park-as-other" -> () -> ParkedProcess.builder(List.of("true")).hostIdentity(1, 1).start().close();
            case "launch" -> () -> new UserNamespaceLauncher(UserNamespaces.operations(), MapSetup.rootless())
                    .start(List.of("true"));
            case "interrupt-helper" -> FaultProbe::interruptedHelperWrite;
            default -> throw new IllegalArgumentException(args[0]);
        };
        // "used-up": one parked child takes the only user namespace the limit allows, for the whole run.
        ParkedProcess holder = args[0].equals("used-up") ? ParkedProcess.start(List.of("true"), Set.of()) : null;
        try {
            describe(fault);   // warm-up: the JDK starts its process reaper and virtual-thread carriers once
            Leaks.Snapshot before = Leaks.take();
            System.out.println(describe(fault));
            String left = Leaks.leftSince(before);
            System.out.println("left: " + (left.isEmpty() ? "nothing" : left));
        } finally {
            if (holder != null) {
                holder.close();
            }
        }
    }

    /**
     * A map write through the helper strategy, interrupted half a second in: the newuidmap on the PATH this probe is
     * given never finishes. Prints whether the interrupt stayed pending, then clears it so that the child is reaped.
     */
    private static void interruptedHelperWrite() {
        try (ParkedProcess child = ParkedProcess.start(List.of("true"), Set.of())) {
            Thread caller = Thread.currentThread();
            Thread interrupter = Thread.ofPlatform().start(() -> {
                try {
                    Thread.sleep(500);
                    caller.interrupt();
                } catch (InterruptedException e) {
                    // Not interrupted itself.
                }
            });
            try {
                UserNamespaces.operations(MappingStrategy.HELPER).setUidMap(child.hostPid(), MapSetup.rootless().uid());
            } finally {
                System.out.println("interrupt pending: " + Thread.interrupted());
                try {
                    interrupter.join();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    /**
     * Parks with the descriptor table full but for 0 to 15 free entries, so that each step of starting a child (its
     * pipes, its pidfd, the pinned /proc directory) runs out in turn. Prints each distinct outcome (the message and its
     * cause's, numbers as N), then what was left.
     */
    private static void descriptorsRunOut(Runnable park) throws IOException {
        describe(park);
        withTableFull(15, () -> {
            try {
                park.run();
                return "no failure";
            } catch (UncheckedIOException e) {
                return (e.getMessage() + " <- " + e.getCause().getMessage()).replaceAll("[0-9]+", "N");
            }
        });
    }

    /**
     * Reads this process's own uid_map with the descriptor table full but for 0 to 3 free entries, so that first the
     * /proc directory, then the map file cannot be opened. Prints each distinct outcome (a rejection as its errno,
     * operation and hint), then what was left.
     */
    private static void readRunsOutOfDescriptors() throws IOException {
        UserNamespaceOperations ops = UserNamespaces.operations();
        long self = ProcessHandle.current().pid();
        // Warm-up: a full table cannot load the classes of the read, nor of a rejection and its hint.
        Runnable read = () -> ops.readUidMap(self);
        describeRejection(read);
        describeRejection(() -> ops.readUidMap(Integer.MAX_VALUE));
        withTableFull(3, () -> describeRejection(read));
    }

    /**
     * Leases and gives back a block with the descriptor table full but for 0 to 6 free entries, so that the ledger's
     * file, the block's own description and the kernel scan's reads run out in turn. Prints each distinct outcome,
     * then what was left, then whether a lease with the table free again works.
     */
    private static void leaseRunsOutOfDescriptors() throws IOException {
        Path ledger = Files.createTempDirectory("linx-ledger-");
        try {
            leaseRunsOutOfDescriptors(ledger);
        } finally {
            Files.deleteIfExists(ledger.resolve("ledger"));
            Files.delete(ledger);
        }
    }

    private static void leaseRunsOutOfDescriptors(Path ledger) throws IOException {
        IdRange ids = new IdRange(3_700_000, 4096);
        IdPool pool = IdPool.of(ids, ids).withLedger(ledger);
        Supplier<String> lease = () -> {
            try (IdLease ignored = pool.lease(1024)) {
                return "no failure";
            } catch (UncheckedIOException e) {
                return e.getMessage().replaceAll("[0-9]+", "N");
            }
        };
        lease.get();   // warm-up: a full table cannot load the classes
        withTableFull(6, lease);
        System.out.println("afterwards: " + lease.get() + ", leased " + pool.usage(1024).leased());
    }

    /**
     * The JVM's first use of one part of the library with the descriptor table full but for 0 to 15 free entries, then
     * one more start with room again, which must work: a transient fault at a first use must not break the library
     * for the JVM's life. Every class of the library is loaded beforehand and none initialized, as from an open jar (a
     * class file read from a directory needs a descriptor of its own). {@code point} is where the first use falls:
     * {@code libc} (no call made before), {@code launch} (the procfs verbs used, the launcher's calls not), or
     * {@code reaper} (every call bound, the reaper not started).
     */
    private static void firstUseRunsOutOfDescriptors(String point, Runnable park) throws IOException {
        loadWithoutInitializing(Path.of(System.getProperty("java.class.path").split(":")[0]));
        UserNamespaceOperations ops = UserNamespaces.operations();
        switch (point) {
            case "libc" -> { }
            case "launch" -> ops.readUidMap(ProcessHandle.current().pid());
            case "reaper" -> {
                ops.readUidMap(ProcessHandle.current().pid());
                try (var sys = dev.linx.user.internal.sys.Syscalls.open()) {
                    for (int fd : sys.pipe(dev.linx.user.internal.sys.LibC.O_CLOEXEC)) {
                        sys.close(fd);
                    }
                } catch (dev.linx.user.internal.sys.ErrnoException e) {
                    throw new IllegalStateException(e);
                }
            }
            default -> throw new IllegalArgumentException(point);
        }
        Supplier<String> attempt = () -> {
            try {
                park.run();
                ops.readUidMap(ProcessHandle.current().pid());
                return "no failure";
            } catch (Throwable e) {
                StringBuilder chain = new StringBuilder();
                for (Throwable t = e; t != null; t = t.getCause()) {
                    chain.append(chain.isEmpty() ? "" : " <- ").append(t.getClass().getSimpleName()).append(' ')
                            .append(t.getMessage());
                }
                return chain.toString().replaceAll("[0-9]+", "N");
            }
        };
        outcomesWithTableFull(15, attempt).forEach(System.out::println);
        System.out.println("children: " + Leaks.children());
        System.out.println("afterwards: " + attempt.get());
    }

    /** Loads every class under {@code classes} without initializing it. */
    private static void loadWithoutInitializing(Path classes) throws IOException {
        try (var files = java.nio.file.Files.walk(classes)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = classes.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
                try {
                    Class.forName(name, false, FaultProbe.class.getClassLoader());
                } catch (ClassNotFoundException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    /**
     * Runs {@code attempt} with the descriptor table full but for 0 to {@code maxFree} entries, then prints each
     * distinct outcome and what was left behind.
     */
    private static void withTableFull(int maxFree, Supplier<String> attempt) throws IOException {
        Leaks.Snapshot before = Leaks.take();
        outcomesWithTableFull(maxFree, attempt).forEach(System.out::println);
        String left = Leaks.leftSince(before);
        System.out.println("left: " + (left.isEmpty() ? "nothing" : left));
    }

    /** The distinct outcomes of {@code attempt} with the descriptor table full but for 0 to {@code maxFree} entries. */
    private static Set<String> outcomesWithTableFull(int maxFree, Supplier<String> attempt) throws IOException {
        Set<String> outcomes = new TreeSet<>();
        for (int free = 0; free <= maxFree; free++) {
            List<FileChannel> fillers = fillDescriptorTable(free);
            try {
                outcomes.add(attempt.get());
            } finally {
                for (FileChannel filler : fillers) {
                    filler.close();
                }
            }
        }
        return outcomes;
    }

    /** Fills the descriptor table with /dev/null, then closes the last {@code free} of them again. */
    private static List<FileChannel> fillDescriptorTable(int free) throws IOException {
        List<FileChannel> fillers = new ArrayList<>();
        try {
            while (true) {
                fillers.add(FileChannel.open(Path.of("/dev/null")));
            }
        } catch (IOException full) {
            // EMFILE: the table is full.
        }
        for (int i = 0; i < free; i++) {
            fillers.removeLast().close();
        }
        return fillers;
    }

    private static String describeRejection(Runnable verb) {
        try {
            verb.run();
            return "no failure";
        } catch (UserNamespaceException e) {
            return "UserNamespaceException " + e.errno() + " " + e.operation() + " hint=" + e.hint().orElse("none");
        } catch (RuntimeException e) {
            return e.getClass().getSimpleName() + " | " + e.getMessage();
        }
    }

    private static String describe(Runnable fault) {
        try {
            fault.run();
            return "no failure";
        } catch (UncheckedIOException e) {
            String shape = e.getClass().getSimpleName() + " " + e.getCause().getClass().getSimpleName();
            if (e.getCause() instanceof UserNamespaceLimitException limit) {
                shape += " limit=" + limit.limit() + " path=" + limit.path();
            }
            return shape + " | " + e.getMessage();
        }
    }
}
