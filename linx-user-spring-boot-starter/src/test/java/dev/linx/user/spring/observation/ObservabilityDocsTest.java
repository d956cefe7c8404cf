package dev.linx.user.spring.observation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import dev.linx.user.IdMapping;
import dev.linx.user.Namespace;
import dev.linx.user.ParkedProcess;
import dev.linx.user.UserNamespaceException;
import dev.linx.user.UserNamespaceLauncher;
import dev.linx.user.UserNamespaceOperations;
import dev.linx.user.spring.MarkdownBlocks;
import dev.linx.user.spring.UserNamespaceAutoConfiguration;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.io.ByteArrayResource;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The examples of docs/observability.md, run as written: the application YAML starts an application whose
 * Prometheus scrape has every series the PromQL and the alert use and the lines the page shows, the alert is a rule
 * file, and the Java is the configuration of a real context.
 */
class ObservabilityDocsTest {

    private static final Path DOC = Path.of("..", "docs", "observability.md");

    private static final Path THIS_SOURCE =
            Path.of("src/test/java/dev/linx/user/spring/observation/ObservabilityDocsTest.java");

    private static final Pattern SERIES = Pattern.compile("linx_user_[a-z_]+");

    @Test
    void everyJavaLineOfTheDocIsInThisTest() throws IOException {
        List<String> source = Files.readAllLines(THIS_SOURCE).stream().map(String::strip).toList();

        assertThat(blocks("java")).hasSize(2);
        assertThat(source).containsAll(MarkdownBlocks.lines(blocks("java")));
    }

    @Test
    void everyKeyOfTheApplicationYamlExists() throws IOException {
        Set<String> known = new HashSet<>();
        Set<String> maps = new HashSet<>();
        for (URL url : Collections.list(getClass().getClassLoader()
            .getResources("META-INF/spring-configuration-metadata.json"))) {
            try (InputStream in = url.openStream()) {
                for (JsonNode property : JsonMapper.builder().build().readTree(in).path("properties")) {
                    String name = property.get("name").asString();
                    known.add(name);
                    if (property.path("type").asString().startsWith("java.util.Map")) {
                        maps.add(name);
                    }
                }
            }
        }
        for (String key : keys(applicationYaml())) {
            assertThat(known.contains(key) || maps.stream().anyMatch(map -> key.startsWith(map + ".")))
                .as(key)
                .isTrue();
        }
    }

    @Test
    void theAlertIsAPrometheusRuleFile() {
        Map<String, List<Map<String, List<Map<String, Object>>>>> rules = new Yaml().load(ruleFile());

        Map<String, Object> rule = rules.get("groups").getFirst().get("rules").getFirst();
        assertThat(rule.get("alert")).isEqualTo("UserNamespaceMapsRejected");
        assertThat((String) rule.get("expr")).contains("linx_user_rejections_total");
    }

    @Test
    void theApplicationYamlServesEverySeriesTheQueriesAndTheAlertUse(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("application.yml"), applicationYaml());
        SpringApplication application = new SpringApplication(App.class);
        application.setWebApplicationType(WebApplicationType.SERVLET);
        try (ConfigurableApplicationContext context = application.run("--spring.config.location=file:" + file,
                "--server.port=0", "--server.address=127.0.0.1")) {
            UserNamespaceLauncher launcher = context.getBean(UserNamespaceLauncher.class);
            Process workload = launcher.start(List.of("true"));
            assertThat(workload.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> launcher.start(List.of("true"),
                    pid -> {
                        throw new IllegalStateException("refused at the checkpoint");
                    }));
            provokeAUidMapRejection(context.getBean(UserNamespaceOperations.class));

            String scrape = scrape(((WebServerApplicationContext) context).getWebServer().getPort());

            List<String> queries = new ArrayList<>(blocks("promql"));
            queries.add(ruleFile());
            for (String query : queries) {
                Matcher series = SERIES.matcher(query);
                while (series.find()) {
                    assertThat(scrape).as(series.group()).containsPattern("(?m)^" + series.group() + "\\{");
                }
            }
            for (String shown : shownScrapeLines()) {
                assertThat(scrape).contains(shown);
            }
        }
    }

    @Test
    void theConventionOfTheDocRenamesTheObservationAddsATenantAndDropsThePid() {
        runner().withUserConfiguration(LaunchObservationConfiguration.class).run(context -> {
            Process workload = context.getBean(UserNamespaceLauncher.class).start(List.of("true"));
            assertThat(workload.waitFor(10, TimeUnit.SECONDS)).isTrue();

            TestObservationRegistryAssert.assertThat(context.getBean(TestObservationRegistry.class))
                .hasSingleObservationThat()
                .hasNameEqualTo("sandbox.start")
                .hasLowCardinalityKeyValue("tenant", "blue")
                .hasLowCardinalityKeyValue("outcome", "success")
                .doesNotHaveHighCardinalityKeyValueWithKey("pid");
        });
    }

    @Test
    void aLauncherOfYourOwnIsObservedToo() {
        runner().withUserConfiguration(OwnLauncherConfiguration.class).run(context -> {
            UserNamespaceLauncher launcher = context.getBean(UserNamespaceLauncher.class);
            assertThat(context).getBean("sandboxLauncher").isSameAs(launcher);
            Process workload = launcher.start(List.of("true"));
            assertThat(workload.waitFor(10, TimeUnit.SECONDS)).isTrue();

            TestObservationRegistryAssert.assertThat(context.getBean(TestObservationRegistry.class))
                .hasSingleObservationThat()
                .hasNameEqualTo("linx.user.launch")
                .hasLowCardinalityKeyValue("namespaces", "user,pid");
        });
    }

    private static ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(UserNamespaceAutoConfiguration.class,
                    UserNamespaceObservationAutoConfiguration.class))
            .withBean(TestObservationRegistry.class, TestObservationRegistry::create);
    }

    /** Maps a fresh child's uids, then writes its uid_map again: the kernel refuses the second write (EPERM). */
    private static void provokeAUidMapRejection(UserNamespaceOperations operations) {
        try (ParkedProcess child = ParkedProcess.start(List.of("true"), Set.of(Namespace.USER))) {
            operations.setUidMap(child.hostPid(), List.of(IdMapping.of(0, 0, 1)));

            assertThatExceptionOfType(UserNamespaceException.class)
                .isThrownBy(() -> operations.setUidMap(child.hostPid(), List.of(IdMapping.of(0, 0, 1))));
        }
    }

    private static String scrape(int port) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus"))
            .build();
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            return response.body();
        }
    }

    /** The scrape lines the page shows as comments, up to their value (a count that depends on the traffic). */
    private static List<String> shownScrapeLines() throws IOException {
        List<String> shown = new ArrayList<>();
        for (String line : MarkdownBlocks.lines(blocks("sh"))) {
            if (line.startsWith("# linx_user_")) {
                shown.add(line.substring(2, line.lastIndexOf('}') + 1));
            }
        }
        assertThat(shown).isNotEmpty();
        return shown;
    }

    private static String applicationYaml() throws IOException {
        List<String> yamls = blocks("yaml").stream().filter(yaml -> !yaml.startsWith("groups:")).toList();
        assertThat(yamls).hasSize(1);
        return yamls.getFirst();
    }

    private static String ruleFile() {
        try {
            List<String> rules = blocks("yaml").stream().filter(yaml -> yaml.startsWith("groups:")).toList();
            assertThat(rules).hasSize(1);
            return rules.getFirst();
        }
        catch (IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
    }

    /** The property names a YAML block sets, without list indexes and what follows them. */
    private static Set<String> keys(String yaml) throws IOException {
        Set<String> keys = new HashSet<>();
        for (var source : new YamlPropertySourceLoader().load("doc",
                new ByteArrayResource(yaml.getBytes(StandardCharsets.UTF_8)))) {
            for (String name : ((EnumerablePropertySource<?>) source).getPropertyNames()) {
                int index = name.indexOf('[');
                keys.add(index < 0 ? name : name.substring(0, index));
            }
        }
        return keys;
    }

    /** The bodies of the fenced blocks of one language in the page. */
    private static List<String> blocks(String language) throws IOException {
        return MarkdownBlocks.blocks(DOC, language);
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
    }

    // docs/observability.md: a launcher of your own, as written there.
    @Configuration(proxyBeanMethods = false)
    static class OwnLauncherConfiguration {

        @Bean(destroyMethod = "close")
        UserNamespaceLauncher sandboxLauncher(UserNamespaceOperations operations,
                ObjectProvider<UserNamespaceLauncher.Listener> listeners) {
            UserNamespaceLauncher.Builder builder = UserNamespaceLauncher.builder(operations)
                .namespaces(Set.of(Namespace.PID));
            listeners.orderedStream().forEach(builder::listener);
            return builder.build();
        }
    }
}

/** docs/observability.md: renaming and adding keys, as written there. */
@Configuration(proxyBeanMethods = false)
class LaunchObservationConfiguration {

    @Bean
    LaunchObservationConvention launchObservationConvention() {
        return new TenantLaunchConvention();
    }
}

class TenantLaunchConvention extends DefaultLaunchObservationConvention {

    TenantLaunchConvention() {
        super("sandbox.start");   // the timer becomes sandbox_start_seconds
    }

    @Override
    public KeyValues getLowCardinalityKeyValues(LaunchObservationContext context) {
        return super.getLowCardinalityKeyValues(context).and("tenant", "blue");
    }

    @Override
    public KeyValues getHighCardinalityKeyValues(LaunchObservationContext context) {
        return KeyValues.empty();   // no pid on spans either
    }
}
