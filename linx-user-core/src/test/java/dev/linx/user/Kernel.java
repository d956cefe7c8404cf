package dev.linx.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Test helpers that ask the real kernel: procfs reads, namespace identities, leftover children. */
final class Kernel {

    private Kernel() {
    }

    static boolean isRoot() {
        return "0".equals(field(ProcessHandle.current().pid(), "Uid").split("\\s+")[1]);
    }

    /** The namespace a process is in, e.g. {@code user:[4026531837]}. */
    static String namespace(long pid, String kind) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/" + kind)).toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A field of {@code /proc/<pid>/status}, without its name, e.g. {@code "0\t0\t0\t0"} for {@code Uid}. */
    static String field(long pid, String name) {
        try (BufferedReader reader = Files.newBufferedReader(Path.of("/proc/" + pid + "/status"))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.startsWith(name + ":")) {
                    return line.substring(name.length() + 1).strip();
                }
            }
            throw new AssertionError("no " + name + " in /proc/" + pid + "/status");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean exists(long pid) {
        return Files.exists(Path.of("/proc/" + pid));
    }

    /** Everything the workload printed on stdout, after it exited with status 0. */
    static String output(Process process) throws IOException, InterruptedException {
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("workload exited").isTrue();
        assertThat(process.exitValue()).as("exit status; stderr: " + err).isZero();
        return out;
    }

    /** No process started by this JVM is still alive. */
    static void assertNoChildLeft() {
        assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).map(Kernel::describe))
                .as("processes left behind").isEmpty();
    }

    private static String describe(ProcessHandle p) {
        return p.pid() + " " + p.info().commandLine().orElse("?");
    }

    /**
     * Starts a process in a fresh user namespace of its own on exactly {@code pid}, steering ns_last_pid.
     *
     * <p>The impostor is a grandchild, started by a shell that waits for it: the JDK keeps the exit of each child it
     * started under its pid for a moment after reaping it, and a new child of this JVM on that same pid could be
     * mistaken for the old one and never reaped.
     */
    static Impostor startOnPid(long pid) throws Exception {
        // By time rather than by count: on a machine that forks a lot (a parallel build), most attempts lose the pid.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        // The JDK starts its process reaper thread at its first child and keeps it a while: started during an attempt,
        // that thread would take the pid meant for the impostor.
        new ProcessBuilder("true").start().waitFor();
        while (System.nanoTime() < deadline) {
            // The shell steers the pid right before its one fork, so its child takes the pid unless another process
            // of the machine forks in between. Steering from here instead would leave the JVM's own start of the
            // shell between the write and the fork, and the pids next to the wanted one may be taken (run alone, the
            // JVM's threads started at its first launch sit right below the first child's pid).
            Process shell = new ProcessBuilder("sh", "-c", "echo \"$1\" > /proc/sys/kernel/ns_last_pid"
                    + " && { unshare --user sleep 30 & echo $!; wait; }", "sh", Long.toString(pid - 1)).start();
            Long started = readPid(shell);
            if (started == null) {
                // The shell ended without a word: another attempt.
                shell.destroyForcibly();
                shell.waitFor();
                continue;
            }
            Impostor impostor = new Impostor(shell, started);
            if (impostor.pid() == pid) {
                awaitOwnUserNamespace(pid);
                return impostor;
            }
            impostor.close();
        }
        throw new AssertionError("could not start a process on pid " + pid);
    }

    /** The pid the shell reports, or {@code null} when it ended without reporting one. */
    private static Long readPid(Process shell) throws IOException {
        var out = new BufferedReader(new InputStreamReader(shell.getInputStream(), StandardCharsets.US_ASCII));
        String line = out.readLine();
        return line == null ? null : Long.parseLong(line.strip());
    }

    /** A process started on a chosen pid, and the shell that reaps it. */
    record Impostor(Process shell, long pid) implements AutoCloseable {

        /** Kills the impostor and waits for its shell, which reaps it. */
        @Override
        public void close() throws InterruptedException {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            shell.waitFor();
        }
    }

    /** Waits until unshare has created the impostor's namespace: an unpinned write would then succeed on it. */
    static void awaitOwnUserNamespace(long pid) {
        await("impostor in its own namespace").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(1))
            .until(() -> !namespace(pid, "user").equals(namespace(ProcessHandle.current().pid(), "user")));
    }

    /**
     * The pids of every process on the host whose command line contains {@code token}, zombies aside (a zombie shows
     * no command line).
     */
    static List<Long> processesWith(String token) {
        List<Long> pids = new ArrayList<>();
        try (var proc = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path dir : proc) {
                try {
                    String cmdline = new String(Files.readAllBytes(dir.resolve("cmdline")), StandardCharsets.UTF_8);
                    if (cmdline.contains(token)) {
                        pids.add(Long.parseLong(dir.getFileName().toString()));
                    }
                } catch (IOException e) {
                    // gone while listing, or not ours to read
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return pids;
    }

    static void awaitGone(long pid) {
        await("pid " + pid + " reaped").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5))
            .until(() -> !exists(pid));
    }
}
