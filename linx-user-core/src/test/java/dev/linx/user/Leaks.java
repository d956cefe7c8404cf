package dev.linx.user;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a JVM holds that a failure could leave behind, counted from the kernel's side: open file descriptors, threads
 * (every platform thread is a task), and child processes, zombies included. Uses no test library: the probes that run
 * in their own JVM use it too.
 *
 * <p>Threads of the JVM's own on-demand pools are not counted: garbage-collector and JIT compiler workers, the
 * carriers of virtual threads ({@code ForkJoinPool-*}) and the JDK's {@code process reaper}. The JVM starts them when
 * load first asks for them and keeps them (or lets them expire on its own schedule), whatever the library does; the
 * library itself starts no platform thread, and a process it failed to reap shows up among the children.
 */
final class Leaks {

    private static final long SELF = ProcessHandle.current().pid();

    /** The counts at one moment. */
    record Snapshot(int fds, int threads, List<String> children) {

        @Override
        public String toString() {
            return "fds " + fds + ", threads " + threads + ", children " + children;
        }
    }

    private Leaks() {
    }

    static Snapshot take() {
        return new Snapshot(count(Path.of("/proc/self/fd")), countedThreads().size(), children());
    }

    /**
     * Waits (up to 10 s, for the JDK's own reaper and stream threads to finish their work) until no child is left and
     * the descriptors and threads are back to {@code before}, and returns what is left over: empty when nothing.
     */
    static String leftSince(Snapshot before) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            Snapshot now = take();
            String left = difference(before, now);
            if (left.isEmpty() || System.nanoTime() > deadline) {
                return left;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return left + " (interrupted while waiting)";
            }
        }
    }

    private static String difference(Snapshot before, Snapshot now) {
        List<String> left = new ArrayList<>();
        if (!now.children().isEmpty()) {
            left.add("children " + now.children());
        }
        if (now.fds() > before.fds()) {
            left.add((now.fds() - before.fds()) + " file descriptors " + descriptors());
        }
        if (now.threads() > before.threads()) {
            left.add((now.threads() - before.threads()) + " threads " + countedThreads());
        }
        return String.join(", ", left);
    }

    /** This JVM's child processes, as "pid state command"; a zombie has state Z. */
    static List<String> children() {
        List<String> children = new ArrayList<>();
        try (DirectoryStream<Path> proc = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path dir : proc) {
                String stat;
                try {
                    stat = Files.readString(dir.resolve("stat"));
                } catch (NoSuchFileException e) {
                    continue;
                } catch (IOException e) {
                    continue;
                }
                // pid (comm) state ppid ...; comm may hold blanks and parentheses, so split after the last ')'.
                int end = stat.lastIndexOf(')');
                String[] fields = stat.substring(end + 2).split(" ");
                if (Long.parseLong(fields[1]) == SELF) {
                    String command = stat.substring(stat.indexOf('(') + 1, end);
                    children.add(dir.getFileName() + " " + fields[0] + " " + command);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return children;
    }

    private static int count(Path dir) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            int n = 0;
            for (Path ignored : entries) {
                n++;
            }
            return n;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final List<String> JVM_POOLS = List.of("GC Thread#", "G1 Conc#", "G1 Refine#", "C1 CompilerThre",
            "C2 CompilerThre", "ForkJoinPool-", "process reaper");

    private static List<String> countedThreads() {
        return threadNames().stream().filter(Leaks::counted).toList();
    }

    private static boolean counted(String thread) {
        return JVM_POOLS.stream().noneMatch(thread::startsWith);
    }

    /** The names of this JVM's platform threads, as the kernel shows them (15 characters at most). */
    static List<String> threadNames() {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                try {
                    names.add(Files.readString(task.resolve("comm")).strip());
                } catch (IOException e) {
                    // ended while listing
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return names;
    }

    private static List<String> descriptors() {
        List<String> targets = new ArrayList<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path fd : fds) {
                try {
                    targets.add(fd.getFileName() + "->" + Files.readSymbolicLink(fd));
                } catch (IOException e) {
                    // closed while listing
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return targets;
    }
}
