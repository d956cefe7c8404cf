package dev.linx.user.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The generated metadata is what IDEs complete and document: every key of ours is in it, described. */
class ConfigurationMetadataTest {

    @Test
    void everyLinxUserKeyIsDescribed() throws IOException {
        List<String> names = new ArrayList<>();
        for (JsonNode property : metadata().get("properties")) {
            String name = property.get("name").asString();
            if (name.startsWith("linx.user.") || name.startsWith("management.health.userns.")) {
                names.add(name);
                assertThat(property.path("description").asString()).as(name).isNotBlank();
            }
        }
        assertThat(names).containsExactlyInAnyOrder("linx.user.enabled", "linx.user.uid-map", "linx.user.gid-map",
                "linx.user.setgroups", "linx.user.namespaces", "linx.user.layout", "linx.user.strategy",
                "linx.user.isolation.enabled", "linx.user.isolation.size", "linx.user.isolation.uids",
                "linx.user.isolation.gids", "linx.user.isolation.ledger", "linx.user.prepared",
                "linx.user.observation.enabled",
                "management.health.userns.enabled", "management.health.userns.probe-interval");
    }

    @Test
    void defaultsAreRecorded() throws IOException {
        assertThat(defaultOf("linx.user.enabled").asBoolean()).isTrue();
        assertThat(defaultOf("linx.user.setgroups").asString()).isEqualTo("deny");
        assertThat(defaultOf("linx.user.namespaces").get(0).asString()).isEqualTo("user");
        assertThat(defaultOf("linx.user.layout").asString()).isEqualTo("rootless");
        assertThat(defaultOf("linx.user.strategy").asString()).isEqualTo("auto");
        assertThat(defaultOf("linx.user.isolation.enabled").asBoolean()).isFalse();
        assertThat(defaultOf("linx.user.isolation.size").asLong()).isEqualTo(65_536);
        assertThat(defaultOf("linx.user.prepared").asInt()).isZero();
        assertThat(defaultOf("linx.user.observation.enabled").asBoolean()).isTrue();
        assertThat(defaultOf("management.health.userns.enabled").asBoolean()).isTrue();
        assertThat(defaultOf("management.health.userns.probe-interval").asString()).isEqualTo("10s");
    }

    @Test
    void mapKeysOfferExampleValues() throws IOException {
        List<String> hinted = new ArrayList<>();
        metadata().get("hints").forEach(hint -> hinted.add(hint.get("name").asString()));
        assertThat(hinted).contains("linx.user.uid-map", "linx.user.gid-map", "linx.user.isolation.size",
                "linx.user.isolation.uids", "linx.user.isolation.gids");
    }

    private static JsonNode defaultOf(String name) throws IOException {
        for (JsonNode property : metadata().get("properties")) {
            if (property.get("name").asString().equals(name)) {
                return property.get("defaultValue");
            }
        }
        throw new AssertionError("no metadata for " + name);
    }

    private static JsonNode metadata() throws IOException {
        try (InputStream in = UserNamespaceProperties.class
            .getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).as("generated metadata").isNotNull();
            return JsonMapper.builder().build().readTree(in);
        }
    }
}
