package dev.linx.user.spring.observation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linx.user.UserNamespaceLauncher;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

/** A whole application with Actuator and the Prometheus registry: each start shows in the scrape. */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = "management.endpoints.web.exposure.include=prometheus")
class LaunchPrometheusHttpTest {

    @LocalServerPort
    int port;

    @Autowired
    UserNamespaceLauncher launcher;

    @Test
    void theLaunchTimerShowsInThePrometheusScrapeWithItsKeys() throws Exception {
        Process workload = this.launcher.start(List.of("true"));
        assertThat(workload.waitFor(10, TimeUnit.SECONDS)).isTrue();

        List<String> lines = scrape().lines().filter(line -> line.startsWith("linx_user_launch")).toList();

        assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("linx_user_launch_seconds_count{")
            .contains("error=\"none\"", "isolated=\"false\"", "namespaces=\"user\"", "outcome=\"success\"",
                    "prepared=\"off\""));
        assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("linx_user_launch_seconds_sum{"));
        assertThat(lines).noneSatisfy(line -> assertThat(line).contains("pid="));
    }

    private String scrape() throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port
                + "/actuator/prometheus")).build();
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            return response.body();
        }
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
    }
}
