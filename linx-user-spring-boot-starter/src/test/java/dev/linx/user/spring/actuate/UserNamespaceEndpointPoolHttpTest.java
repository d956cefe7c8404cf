package dev.linx.user.spring.actuate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.linx.user.spring.TestPools;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/** {@code GET /actuator/userns} of an application with isolation on: {@code "pool"} and no {@code "defaults"}. */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "management.endpoints.web.exposure.include=userns,health,metrics",
                "management.endpoint.health.show-details=always" })
class UserNamespaceEndpointPoolHttpTest {

    @TempDir
    static Path ledger;

    @LocalServerPort
    int port;

    @BeforeAll
    static void onlyRootMapsExplicitRanges() {
        assumeThat(TestPools.isRoot()).as("root: explicit host ranges").isTrue();
    }

    @DynamicPropertySource
    static void isolated(DynamicPropertyRegistry registry) {
        for (String property : TestPools.isolated(TestPools.HTTP, 16, ledger)) {
            int equals = property.indexOf('=');
            registry.add(property.substring(0, equals), () -> property.substring(equals + 1));
        }
    }

    @Test
    void reportsThePoolItsBlockSizeAndItsUse() {
        JsonNode pool = new Http(this.port).getJson("/actuator/userns").get("pool");

        assertThat(pool.get("uids").get("start").asLong()).isEqualTo(TestPools.HTTP);
        assertThat(pool.get("uids").get("count").asLong()).isEqualTo(16 * 65_536);
        assertThat(pool.get("gids").get("start").asLong()).isEqualTo(TestPools.HTTP + TestPools.GID_OFFSET);
        assertThat(pool.get("gids").get("count").asLong()).isEqualTo(16 * 65_536);
        assertThat(pool.get("size").asLong()).isEqualTo(65_536);
        assertThat(pool.get("blocks").asLong()).isEqualTo(16);
        assertThat(pool.get("leased").isNumber()).isTrue();
        assertThat(pool.has("error")).isFalse();
    }

    @Test
    void hasNoDefaultsForEachWorkloadsMapsAreItsOwnBlock() {
        assertThat(new Http(this.port).getJson("/actuator/userns").has("defaults")).isFalse();
    }

    @Test
    void theHealthDetailsShowThePoolsUse() {
        JsonNode health = new Http(this.port).getJson("/actuator/health/userns");

        assertThat(health.get("status").asString()).isEqualTo("UP");
        assertThat(health.get("details").get("pool").get("blocks").asLong()).isEqualTo(16);
    }

    @Test
    void thePoolGaugeIsTaggedByState() {
        JsonNode gauge = new Http(this.port).getJson("/actuator/metrics/linx.user.pool.blocks");

        assertThat(gauge.get("availableTags").get(0).get("tag").asString()).isEqualTo("state");
        assertThat(gauge.get("availableTags").get(0).get("values")).extracting(JsonNode::asString)
            .containsExactlyInAnyOrder("leased", "free");
        assertThat(gauge.get("measurements").get(0).get("value").asDouble()).isEqualTo(16);
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
    }
}
