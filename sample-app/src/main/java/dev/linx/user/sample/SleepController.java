package dev.linx.user.sample;

import dev.linx.user.UserNamespaceLauncher;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /sleep} starts {@code sleep 5}, always that, in a sandbox of its own and answers at once: a workload
 * that lives a little, for the page's live workloads ({@code /actuator/userns}) to show while it runs. No request
 * parameter reaches the command line; at most {@value #AT_ONCE} run at once (429 beyond), and those still running
 * when the application stops are ended with it.
 */
@RestController
final class SleepController {

    static final int SECONDS = 5;

    static final int AT_ONCE = 8;

    private static final List<String> SLEEP = List.of("sleep", Integer.toString(SECONDS));

    private final UserNamespaceLauncher launcher;

    private final Set<Process> running = ConcurrentHashMap.newKeySet();

    SleepController(UserNamespaceLauncher launcher) {
        this.launcher = launcher;
    }

    @PostMapping("/sleep")
    synchronized ResponseEntity<Sleeping> sleep() throws IOException {
        if (this.running.size() >= AT_ONCE) {
            return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS).build();
        }
        Process sleep = this.launcher.start(SLEEP);
        this.running.add(sleep);
        sleep.onExit().whenComplete((exited, error) -> this.running.remove(sleep));
        // sleep reads and writes nothing: its pipes are not needed.
        sleep.getOutputStream().close();
        sleep.getInputStream().close();
        sleep.getErrorStream().close();
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(new Sleeping(sleep.pid(), SECONDS));
    }

    @PreDestroy
    void endTheSleepers() throws InterruptedException {
        for (Process sleep : this.running) {
            sleep.destroyForcibly().waitFor();
        }
    }

    /**
     * A started sleep.
     *
     * @param pid its pid, as {@code /actuator/userns} lists it among the workloads
     * @param seconds how long it sleeps
     */
    record Sleeping(long pid, int seconds) {
    }
}
