package dev.linx.user.spring.actuate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import tools.jackson.databind.JsonNode;

/**
 * {@code GET /actuator/userns} of an application with {@code linx.user.prepared=2}: {@code "prepared"} with the
 * target and how many wait, which the application fills once it is ready. The context is closed after the class, which
 * kills its waiting children, rather than cached for the rest of the run.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "linx.user.prepared=2", "management.endpoints.web.exposure.include=userns,health,metrics",
                "management.endpoint.health.show-details=always" })
@DirtiesContext
class UserNamespaceEndpointPreparedHttpTest {

    @LocalServerPort
    int port;

    @Test
    void reportsTheTargetAndHowManyWait() throws InterruptedException {
        JsonNode prepared = awaitReady(2);

        assertThat(prepared.get("target").asInt()).isEqualTo(2);
        assertThat(prepared.get("ready").asInt()).isEqualTo(2);
        assertThat(prepared.properties()).extracting(entry -> entry.getKey()).containsExactly("target", "ready");
    }

    @Test
    void theHealthDetailsShowThePreparedChildren() throws InterruptedException {
        awaitReady(2);

        JsonNode health = new Http(this.port).getJson("/actuator/health/userns");

        assertThat(health.get("status").asString()).isEqualTo("UP");
        assertThat(health.get("details").get("prepared").get("target").asInt()).isEqualTo(2);
    }

    @Test
    void theCounterIsTaggedByResult() {
        JsonNode counter = new Http(this.port).getJson("/actuator/metrics/linx.user.prepared");

        assertThat(counter.get("availableTags")).singleElement()
            .satisfies(tag -> assertThat(tag.get("tag").asString()).isEqualTo("result"));
        assertThat(counter.get("availableTags").get(0).get("values")).extracting(JsonNode::asString)
            .containsExactlyInAnyOrder("hit", "miss");
    }

    /** The application parks its children once it is ready, on a thread of its own: they take a moment. */
    private JsonNode awaitReady(int count) {
        return await(count + " prepared children ready").atMost(Duration.ofSeconds(20))
            .pollInterval(Duration.ofMillis(20))
            .until(() -> new Http(this.port).getJson("/actuator/userns").get("prepared"),
                    prepared -> prepared.get("ready").asInt() >= count);
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
    }
}
