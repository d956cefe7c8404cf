package dev.linx.user.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.linx.user.MapSetup;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.test.web.servlet.client.RestTestClient;
import tools.jackson.databind.JsonNode;

/**
 * The sample with isolation off and one shared range map instead, as a privileged application could configure it:
 * root inside on host uid and gid 100000, which is not the application's own id.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = { "linx.user.isolation.enabled=false",
        "linx.user.uid-map=0:100000:65536", "linx.user.gid-map=0:100000:65536" })
@AutoConfigureRestTestClient
class WhoamiWithARangeMapTest {

    @Autowired
    RestTestClient client;

    @Test
    void whoamiRunsIdAsRootInsideOnTheMappedHostIds() {
        assumeThat(MapSetup.rootless().uid().getFirst().outside()).as("a root application").isZero();
        JsonNode whoami = this.client.get().uri("/whoami").exchange().expectStatus().isOk()
            .expectBody(JsonNode.class).returnResult().getResponseBody();

        assertThat(whoami.get("workload").asString()).startsWith("uid=0(root) gid=0(root)");
        assertThat(whoami.get("hostUid").asLong()).isEqualTo(100000);
        assertThat(whoami.get("hostGid").asLong()).isEqualTo(100000);
        assertThat(whoami.get("uidMap").get(0).get("outside").asLong()).isEqualTo(100000);
        assertThat(whoami.get("block").isNull()).isTrue();
    }
}
