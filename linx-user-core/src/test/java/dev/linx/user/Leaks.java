package dev.linx.user;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a JVM holds that a failure could leave behind, counted from the kernel's side: open file descriptors, threads
 * (every platform thread is a task), and child processes, zombies included. Uses no test library: the probes that run
 * in their own JVM use it too.
 *
 * <p>The library's own threads ({@code linx-*}) are virtual but one: the cleaner, a map helper's stderr reader and the
 * releaser of an exited workload's pipes are virtual, which the kernel does not see, so they are counted in a thread
 * dump of the JVM, which lists virtual threads too. The one platform thread, {@code linx-user-reaper}, is started at
 * the JVM's first launch and kept: a warm-up launch puts it in the starting counts (as a task and in the dump), and a
 * second one would show in both.
 *
 * <p>Threads of the JVM's own on-demand pools are not counted: garbage-collector and JIT compiler workers, the
 * carriers of virtual threads ({@code ForkJoinPool-*}) and the JDK's {@code process reaper}. The JVM starts them when
 * load first asks for them and keeps them (or lets them expire on its own schedule), whatever the library does; a
 * process the library failed to reap shows up among the children.
 */
final class Leaks {

    private static final long SELF = ProcessHandle.current().pid();
    private static final Pattern LIBRARY_THREAD = Pattern.compile("\"name\":\\s*\"(linx-[^\"]*)\"");

    /** The counts at one moment. */
    record Snapshot(int fds, int threads, int libraryThreads, List<String> children) {

        @Override
        public String toString() {
            return "fds " + fds + ", threads " + threads + ", library threads " + libraryThreads + ", children "
                    + children;
        }
    }

    private Leaks() {
    }

    static Snapshot take() {
        return new Snapshot(count(Path.of("/proc/self/fd")), countedThreads().size(), libraryThreads().size(),
                children());
    }

    /**
     * Waits (up to 10 s, for the JDK's own reaper and stream threads to finish their work) until no child is left but
     * those of {@code before} and the descriptors and threads are back to {@code before}, and returns what is left
     * over: empty when nothing.
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
        List<String> newChildren = now.children().stream()
                .filter(child -> before.children().stream().noneMatch(old -> pid(old).equals(pid(child))))
                .toList();
        if (!newChildren.isEmpty()) {
            left.add("children " + newChildren);
        }
        if (now.fds() > before.fds()) {
            left.add((now.fds() - before.fds()) + " file descriptors " + descriptors());
        }
        if (now.libraryThreads() > before.libraryThreads()) {
            left.add((now.libraryThreads() - before.libraryThreads()) + " library threads " + libraryThreads());
        }
        if (now.threads() > before.threads()) {
            left.add((now.threads() - before.threads()) + " threads " + countedThreads());
        }
        return String.join(", ", left);
    }

    private static String pid(String child) {
        return child.substring(0, child.indexOf(' '));
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

    /** The names of live threads, virtual ones included, whose name starts with {@code linx-}. */
    static List<String> libraryThreads() {
        Path dump = Path.of(System.getProperty("java.io.tmpdir"),
                "linx-threads-" + SELF + "-" + System.nanoTime() + ".json");
        try {
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .dumpThreads(dump.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
            List<String> names = new ArrayList<>();
            Matcher name = LIBRARY_THREAD.matcher(Files.readString(dump));
            while (name.find()) {
                names.add(name.group(1));
            }
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            try {
                Files.deleteIfExists(dump);
            } catch (IOException e) {
                // a stray file in the temporary directory; nothing to fail for
            }
        }
    }

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
