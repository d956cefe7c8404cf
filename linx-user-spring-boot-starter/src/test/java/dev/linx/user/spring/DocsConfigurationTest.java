package dev.linx.user.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import static dev.linx.user.spring.MarkdownBlocks.blocks;
import static dev.linx.user.spring.MarkdownBlocks.lines;
import static org.awaitility.Awaitility.await;

import dev.linx.user.IdMapping;
import dev.linx.user.IdRange;
import dev.linx.user.MapSetup;
import dev.linx.user.MappingStrategy;
import dev.linx.user.Namespace;
import dev.linx.user.SetgroupsPolicy;
import dev.linx.user.SubordinateIds;
import dev.linx.user.UserNamespaceLauncher;
import dev.linx.user.UserNamespaceOperations;
import dev.linx.user.UserNamespaces;
import dev.linx.user.spring.actuate.Http;
import dev.linx.user.spring.actuate.UserNamespaceHealthIndicator;
import dev.linx.user.spring.metrics.MeteredUserNamespaceOperations;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The YAML and Java of docs/getting-started.md and docs/configuration.md, run as written: each YAML block is the
 * application.yml of a real application (web server, actuator, metrics, the starter), and the Java snippet is a
 * controller of it. Also checks the failure report shown in docs/errors.md against the real one.
 */
@ExtendWith(OutputCaptureExtension.class)
class DocsConfigurationTest {

    private static final Path GETTING_STARTED = Path.of("..", "docs", "getting-started.md");
    private static final Path CONFIGURATION = Path.of("..", "docs", "configuration.md");
    private static final Path ERRORS = Path.of("..", "docs", "errors.md");
    private static final Path THIS_SOURCE = Path.of("src/test/java/dev/linx/user/spring/DocsConfigurationTest.java");

    private static final JsonMapper json = JsonMapper.builder().build();

    /** What each YAML block must do, keyed by a line only that block has. */
    private final Map<String, BiConsumer<ConfigurableApplicationContext, Integer>> expectations = expectations();

    @Test
    void everyJavaLineOfTheDocsIsInThisTest() throws IOException {
        List<String> source = Files.readAllLines(THIS_SOURCE).stream().map(String::strip).toList();
        for (Path doc : List.of(GETTING_STARTED, CONFIGURATION)) {
            assertThat(source).as(doc.toString()).containsAll(lines(blocks(doc, "java")));
        }
        assertThat(blocks(GETTING_STARTED, "java")).isNotEmpty();
    }

    @Test
    void everyDocumentedKeyExists() throws IOException {
        Set<String> known = knownKeys();
        for (Path doc : List.of(GETTING_STARTED, CONFIGURATION)) {
            for (String yaml : blocks(doc, "yaml")) {
                for (String key : keys(yaml)) {
                    assertThat(known).as(doc + ": " + key).contains(key);
                }
            }
        }
    }

    @Test
    void everyYamlBlockStartsAnApplicationThatDoesWhatTheDocSays(@TempDir Path dir) throws IOException {
        List<String> yamls = new ArrayList<>(blocks(GETTING_STARTED, "yaml"));
        yamls.addAll(blocks(CONFIGURATION, "yaml"));
        assertThat(yamls).hasSize(expectations.size());
        for (String yaml : yamls) {
            List<String> markers = expectations.keySet().stream().filter(yaml::contains).toList();
            assertThat(markers).as("the expectation for\n" + yaml).hasSize(1);
            Path file = Files.writeString(dir.resolve("application.yml"), yaml);
            SpringApplication application = new SpringApplication(App.class);
            application.setWebApplicationType(WebApplicationType.SERVLET);
            try (ConfigurableApplicationContext context = application.run("--spring.config.location=file:" + file,
                    "--server.port=0", "--server.address=127.0.0.1")) {
                int port = ((WebServerApplicationContext) context).getWebServer().getPort();
                expectations.get(markers.getFirst()).accept(context, port);
            }
        }
    }

    @Test
    void theFailureReportInErrorsMdIsTheRealOne(CapturedOutput output) throws IOException {
        SpringApplication application = new SpringApplication(App.class);
        application.setWebApplicationType(WebApplicationType.NONE);

        assertThatThrownBy(() -> application.run("--linx.user.gid-map=0:1000:0")).isNotNull();

        List<String> report = lines(blocks(ERRORS, "text")).stream()
            .map(line -> line.endsWith("...") ? line.substring(0, line.length() - 3).strip() : line)
            .toList();
        assertThat(report).isNotEmpty();
        for (String line : report) {
            assertThat(output.getOut() + output.getErr()).contains(line);
        }
    }

    private Map<String, BiConsumer<ConfigurableApplicationContext, Integer>> expectations() {
        Map<String, BiConsumer<ConfigurableApplicationContext, Integer>> all = new LinkedHashMap<>();
        // getting-started.md, step 3: the endpoint and health are reachable, and the controller runs id as root.
        all.put("include: [health, userns]", (context, port) -> {
            Http http = new Http(port);
            JsonNode report = http.getJson("/actuator/userns");
            assertThat(report.get("supported").asBoolean()).isTrue();
            assertThat(report.get("defaults").get("setgroups").asString()).isEqualTo("deny");
            assertThat(report.get("defaults").get("uidMap").get(0).get("outside").asLong())
                .isEqualTo(MapSetup.rootless().uid().getFirst().outside());
            JsonNode health = http.getJson("/actuator/health/userns");
            assertThat(health.get("status").asString()).isEqualTo("UP");
            assertThat(health.get("details").get("exitCode").asInt()).isZero();
            assertThat(http.get("/id").body()).startsWith("uid=0(root) gid=0(root) groups=0(root)");
        });
        // configuration.md: the default, spelled out for uid and gid 1000.
        all.put("uid-map: [\"0:1000:1\"]", (context, port) -> {
            UserNamespaceLauncher launcher = context.getBean(UserNamespaceLauncher.class);
            assertThat(launcher.defaults()).isEqualTo(MapSetup.rootless(1000, 1000));
            assertThat(launcher.namespaces()).containsExactly(Namespace.USER);
        });
        // configuration.md: ranges, the object form, more namespaces; root inside whatever the host uid.
        all.put("outside: 100000", (context, port) -> {
            UserNamespaceLauncher launcher = context.getBean(UserNamespaceLauncher.class);
            assertThat(launcher.defaults()).isEqualTo(new MapSetup(List.of(IdMapping.of(0, 100_000, 65_536)),
                    List.of(IdMapping.of(0, 100_000, 65_536)), SetgroupsPolicy.SKIP));
            assertThat(launcher.namespaces()).isEqualTo(EnumSet.of(Namespace.USER, Namespace.MOUNT, Namespace.PID,
                    Namespace.UTS, Namespace.IPC));
            if (TestPools.isRoot()) {
                assertThat(run(launcher, "id", "-u")).isEqualTo("0\n");
            }
        });
        // configuration.md: the subordinate layout through the helpers, chosen automatically.
        all.put("layout: subordinate", (context, port) -> {
            UserNamespaceLauncher launcher = context.getBean(UserNamespaceLauncher.class);
            assertThat(launcher.defaults()).isEqualTo(SubordinateIds.current().rootlessSetup());
            assertThat(((MeteredUserNamespaceOperations) context.getBean(UserNamespaceOperations.class)).delegate())
                .isSameAs(UserNamespaces.operations(MappingStrategy.AUTO));
            assertThat(run(launcher, "id", "-u")).isEqualTo("0\n");
        });
        // configuration.md: prepared children, parked once the application is ready; a start then is a hit.
        all.put("prepared: 4", (context, port) -> {
            Http http = new Http(port);
            UserNamespaceLauncher launcher = context.getBean(UserNamespaceLauncher.class);
            awaitPrepared(port, 4);
            JsonNode prepared = http.getJson("/actuator/userns").get("prepared");
            assertThat(prepared.get("target").asInt()).isEqualTo(4);
            assertThat(prepared.get("ready").asInt()).isEqualTo(4);
            assertThat(run(launcher, "id", "-u")).isEqualTo("0\n");
            JsonNode hits = http.getJson("/actuator/metrics/linx.user.prepared?tag=result:hit");
            assertThat(hits.get("measurements").get(0).get("value").asDouble()).isEqualTo(1.0);
        });
        // configuration.md: isolation with an explicit pool; root inside each workload's own block.
        all.put("uids: \"2000000:1048576\"", (context, port) -> {
            UserNamespaceLauncher launcher = context.getBean(UserNamespaceLauncher.class);
            UserNamespaceLauncher.Isolation isolation = launcher.isolation().orElseThrow();
            assertThat(isolation.size()).isEqualTo(65_536);
            assertThat(isolation.pool().uids()).isEqualTo(IdRange.parse("2000000:1048576"));
            assertThat(isolation.pool().gids()).isEqualTo(IdRange.parse("2000000:1048576"));
            assertThat(launcher.namespaces()).isEqualTo(EnumSet.of(Namespace.USER, Namespace.PID));
            JsonNode report = new Http(port).getJson("/actuator/userns");
            assertThat(report.has("defaults")).isFalse();
            assertThat(report.get("pool").get("blocks").asLong()).isEqualTo(16);
            if (TestPools.isRoot()) {
                assertThat(run(launcher, "id", "-u")).isEqualTo("0\n");
            }
        });
        // configuration.md: the endpoint and metrics exposed.
        all.put("include: [health, userns, metrics]", (context, port) -> {
            Http http = new Http(port);
            assertThat(http.get("/actuator/userns").statusCode()).isEqualTo(200);
            assertThat(http.get("/actuator/userns/" + ProcessHandle.current().pid()).statusCode()).isEqualTo(200);
            assertThat(http.get("/actuator/userns/0").statusCode()).isEqualTo(400);
            assertThat(http.get("/actuator/userns/abc").statusCode()).isEqualTo(400);
            assertThat(http.get("/actuator/userns/" + unusedPid()).statusCode()).isEqualTo(404);
            JsonNode rejections = http.getJson(
                    "/actuator/metrics/linx.user.rejections?tag=operation:read_uid_map&tag=errno:enoent");
            assertThat(rejections.get("measurements").get(0).get("value").asDouble()).isEqualTo(1.0);
        });
        // configuration.md: health details shown, the userns contributor switched off.
        all.put("show-details: always\n  health:", (context, port) -> {
            assertThat(context.getBeansOfType(UserNamespaceHealthIndicator.class)).isEmpty();
            assertThat(new Http(port).get("/actuator/health/userns").statusCode()).isEqualTo(404);
            assertThat(context.getBean(UserNamespaceLauncher.class)).isNotNull();
        });
        // configuration.md: metrics; every operations bean is measured.
        all.put("include: [health, metrics, prometheus]", (context, port) -> {
            assertThat(context.getBean(UserNamespaceOperations.class))
                .isInstanceOf(MeteredUserNamespaceOperations.class);
            assertThat(new Http(port).get("/actuator/metrics").statusCode()).isEqualTo(200);
        });
        return all;
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(WorkloadController.class)
    static class App {
    }

    private static String run(UserNamespaceLauncher launcher, String... argv) {
        try {
            Process process = launcher.start(List.of(argv));
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor()).isZero();
            return out;
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    /** Waits (up to 20 s) until the endpoint says {@code count} prepared children wait. */
    private static void awaitPrepared(int port, int count) {
        await(count + " prepared children ready").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
            .until(() -> new Http(port).getJson("/actuator/userns").get("prepared").get("ready").asInt() >= count);
    }

    private static long unusedPid() {
        long highest = ProcessHandle.allProcesses().mapToLong(ProcessHandle::pid).max().orElse(1);
        return highest + 100_000 < 4_194_304 ? highest + 100_000 : 4_194_303;
    }

    /** The property names a YAML block sets, without list indexes and what follows them. */
    private static Set<String> keys(String yaml) throws IOException {
        Set<String> keys = new HashSet<>();
        for (var source : new YamlPropertySourceLoader().load("doc", new ByteArrayResource(yaml.getBytes(
                StandardCharsets.UTF_8)))) {
            for (String name : ((EnumerablePropertySource<?>) source).getPropertyNames()) {
                int index = name.indexOf('[');
                keys.add(index < 0 ? name : name.substring(0, index));
            }
        }
        return keys;
    }

    /** Every property any configuration metadata on the classpath describes, the starter's included. */
    private static Set<String> knownKeys() throws IOException {
        Set<String> known = new HashSet<>();
        for (URL url : Collections.list(DocsConfigurationTest.class.getClassLoader()
            .getResources("META-INF/spring-configuration-metadata.json"))) {
            try (InputStream in = url.openStream()) {
                for (JsonNode property : json.readTree(in).path("properties")) {
                    known.add(property.get("name").asString());
                }
            }
        }
        return known;
    }
}

/** The controller of docs/getting-started.md, step 4, as written there. */
@RestController
class WorkloadController {

    private final UserNamespaceLauncher launcher;

    WorkloadController(UserNamespaceLauncher launcher) {
        this.launcher = launcher;
    }

    @GetMapping("/id")
    String id() throws IOException, InterruptedException {
        Process workload = launcher.start(List.of("id"));
        String printed = new String(workload.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        workload.waitFor();
        return printed;   // uid=0(root) gid=0(root) groups=0(root),...
    }
}
