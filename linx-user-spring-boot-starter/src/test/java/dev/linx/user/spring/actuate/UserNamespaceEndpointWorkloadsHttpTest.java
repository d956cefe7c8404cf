package dev.linx.user.spring.actuate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.linx.user.MapSetup;
import dev.linx.user.UserNamespaceLauncher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * {@code GET /actuator/userns} {@code "workloads"}: the auto-configured launcher's live workloads, started here for
 * real (in a user, mount, PID and network namespace), listed while they run and gone once they have exited; never
 * their argv or environment.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "management.endpoints.web.exposure.include=userns", "linx.user.namespaces=pid,net,mount" })
class UserNamespaceEndpointWorkloadsHttpTest {

    @LocalServerPort
    int port;

    @Autowired
    UserNamespaceLauncher launcher;

    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void endEveryWorkload() throws InterruptedException {
        for (Process workload : this.started) {
            // With a PID namespace this ends every process in it.
            workload.destroyForcibly();
            assertThat(workload.waitFor(10, TimeUnit.SECONDS)).as("workload %d ended", workload.pid()).isTrue();
        }
    }

    @Test
    void listsARunningWorkloadWithItsPidStartNamespacesAndMaps() {
        Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Process cat = start(List.of("cat"));

        JsonNode workload = listed(cat.pid());

        assertThat(workload).as("workload %d in %s", cat.pid(), workloads()).isNotNull();
        Instant started = Instant.parse(workload.get("started").asString());
        assertThat(workload.get("started").asString()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        assertThat(started).isBetween(before, Instant.now());
        assertThat(workload.get("namespaces")).extracting(JsonNode::asString)
            .containsExactly("user", "mount", "pid", "net");
        MapSetup defaults = this.launcher.defaults();
        assertThat(ranges(workload.get("uidMap"))).isEqualTo(UserNamespaceEndpointTest.ranges(defaults.uid()));
        assertThat(ranges(workload.get("gidMap"))).isEqualTo(UserNamespaceEndpointTest.ranges(defaults.gid()));
        assertThat(workload.propertyNames()).containsExactly("pid", "started", "namespaces", "uidMap", "gidMap");
    }

    @Test
    void aWorkloadIsGoneOnceItHasExited() throws IOException, InterruptedException {
        Process cat = start(List.of("cat"));
        assertThat(listed(cat.pid())).isNotNull();

        // cat ends by itself at the end of its input.
        cat.getOutputStream().close();
        assertThat(cat.waitFor(10, TimeUnit.SECONDS)).isTrue();

        assertThat(cat.exitValue()).isZero();
        // The entry leaves the list once the launcher has handled the exit, which need not be before waitFor returns.
        await("workload " + cat.pid() + " gone from the list").atMost(Duration.ofSeconds(5))
            .pollInterval(Duration.ofMillis(20))
            .until(() -> listed(cat.pid()) == null);
    }

    @Test
    void listsTheWorkloadsOldestFirst() {
        Process first = start(List.of("cat"));
        Process second = start(List.of("cat"));

        List<Long> pids = workloads().valueStream().map(w -> w.get("pid").asLong()).toList();

        assertThat(pids).containsSubsequence(first.pid(), second.pid());
    }

    @Test
    void neverShowsAWorkloadsArgumentsOrEnvironment() throws IOException, InterruptedException {
        String secretArgument = "arg-secret-" + UUID.randomUUID();
        String secretValue = "env-secret-" + UUID.randomUUID();
        // env puts the value into the environment of sh, which stays (": " after cat) with the argument as its $0.
        Process workload = start(List.of("env", "LINX_TEST_SECRET=" + secretValue, "sh", "-c", "cat; :",
                secretArgument));
        assertThat(listed(workload.pid())).isNotNull();
        // env is a moment from its exec of sh: the value is in the kernel's view only once it has run it.
        assertThat(kernelViewWithin(workload, "environ", secretValue)).as("the kernel holds the value")
            .contains(secretValue);
        assertThat(kernelView(workload, "cmdline")).as("the kernel holds the argument").contains(secretArgument);

        String report = new Http(this.port).get("/actuator/userns").body();
        String process = new Http(this.port).get("/actuator/userns/" + workload.pid()).body();

        assertThat(report).contains("\"pid\":" + workload.pid())
            .doesNotContain(secretArgument)
            .doesNotContain(secretValue)
            .doesNotContain("LINX_TEST_SECRET");
        assertThat(process).doesNotContain(secretArgument).doesNotContain(secretValue);
    }

    private Process start(List<String> argv) {
        Process workload = this.launcher.start(argv);
        this.started.add(workload);
        return workload;
    }

    private JsonNode workloads() {
        return new Http(this.port).getJson("/actuator/userns").get("workloads");
    }

    private JsonNode listed(long pid) {
        return workloads().valueStream().filter(w -> w.get("pid").asLong() == pid).findFirst().orElse(null);
    }

    private static List<UserNamespaceEndpoint.RangeDescriptor> ranges(JsonNode map) {
        return map.valueStream()
            .map(m -> new UserNamespaceEndpoint.RangeDescriptor(m.get("inside").asLong(), m.get("outside").asLong(),
                    m.get("length").asLong()))
            .toList();
    }

    /** {@link #kernelView} once it contains {@code text}, within 10 s. */
    private static String kernelViewWithin(Process workload, String file, String text) {
        return await("the kernel's " + file + " of " + workload.pid() + " holding the text")
            .atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5))
            .until(() -> kernelView(workload, file), view -> view.contains(text));
    }

    /**
     * {@code /proc/<pid>/<file>} of the workload's process and every descendant, NULs as spaces: with a PID namespace
     * the launcher's process is a helper, and the workload one of its descendants.
     */
    private static String kernelView(Process workload, String file) {
        StringBuilder all = new StringBuilder();
        Stream.concat(Stream.of(workload.toHandle()), workload.toHandle().descendants()).forEach(process -> {
            try {
                byte[] bytes = Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()), file));
                all.append(new String(bytes, StandardCharsets.UTF_8).replace('\0', ' ')).append('\n');
            }
            catch (IOException ex) {
                // It ended meanwhile: nothing to show.
            }
        });
        return all.toString();
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
    }
}
