package dev.linx.user.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;

/**
 * The prepared children of the starter tests, seen from the kernel's side: the parked shells among this JVM's
 * descendants, found by the marker the launcher puts in their command line.
 */
public final class ParkedChildren {

    private ParkedChildren() {
    }

    /**
     * Publishes what {@link SpringApplication} publishes once the application is up, which an
     * {@code ApplicationContextRunner} never does.
     */
    public static void applicationReady(AssertableApplicationContext context) {
        context.publishEvent(new ApplicationReadyEvent(new SpringApplication(), new String[0],
                context.getSourceApplicationContext(), Duration.ZERO));
    }

    /**
     * The pids of this JVM's parked shells, one per child parked and not yet released (with a PID namespace the
     * shell's subshell, pid 1 inside, carries the same marker and is left out).
     */
    public static List<Long> parkedShells() {
        Map<Long, Long> parents = new HashMap<>();
        ProcessHandle.current().descendants().forEach(p -> {
            List<String> argv = cmdline(p.pid());
            if (argv.size() > 3 && argv.get(3).startsWith("linx-parked-")) {
                parents.put(p.pid(), p.parent().map(ProcessHandle::pid).orElse(0L));
            }
        });
        List<Long> pids = new ArrayList<>();
        parents.forEach((pid, parent) -> {
            if (!parents.containsKey(parent)) {
                pids.add(pid);
            }
        });
        return pids;
    }

    /** Every process of this JVM's that is left, zombies included, as {@code pid command line}. */
    public static List<String> descendants() {
        return ProcessHandle.current().descendants().map(p -> p.pid() + " " + String.join(" ", cmdline(p.pid())))
            .toList();
    }

    /** Waits (up to 10 s, for the JDK's reaper) until this JVM has no descendant left, and fails if one stays. */
    public static void assertNoneLeft() {
        await("no process of this JVM's left").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
            .untilAsserted(() -> assertThat(descendants()).as("processes left behind").isEmpty());
    }

    private static List<String> cmdline(long pid) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            List<String> argv = new ArrayList<>();
            int from = 0;
            for (int i = 0; i < raw.length; i++) {
                if (raw[i] == 0) {
                    argv.add(new String(raw, from, i - from, StandardCharsets.UTF_8));
                    from = i + 1;
                }
            }
            return argv;
        }
        catch (IOException ex) {
            return List.of();   // gone meanwhile
        }
    }
}
