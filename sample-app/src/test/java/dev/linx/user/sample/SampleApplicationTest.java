package dev.linx.user.sample;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linx.user.MapSetup;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.test.web.servlet.client.RestTestClient;
import tools.jackson.databind.JsonNode;

@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@AutoConfigureRestTestClient
class SampleApplicationTest {

    private static final long MY_EUID = MapSetup.rootless().uid().getFirst().outside();

    private static final long MY_EGID = MapSetup.rootless().gid().getFirst().outside();

    @Autowired
    RestTestClient client;

    @Value("${server.address}")
    String address;

    @Test
    void listensOnLoopbackOnly() {
        assertThat(this.address).isEqualTo("127.0.0.1");
    }

    @Test
    void whoamiRunsIdAsRootInsideAsTheApplicationsOwnIdsOutside() {
        JsonNode whoami = getJson("/whoami");

        assertThat(whoami.get("workload").asString()).startsWith("uid=0(root) gid=0(root)");
        assertThat(whoami.get("hostUid").asLong()).isEqualTo(MY_EUID);
        assertThat(whoami.get("hostGid").asLong()).isEqualTo(MY_EGID);
        assertThat(whoami.get("setgroups").asString()).isEqualTo("deny");
    }

    @Test
    void whoamiReportsTheMapsTheKernelHoldsForTheSandbox() {
        JsonNode whoami = getJson("/whoami");

        JsonNode uid = whoami.get("uidMap").get(0);
        assertThat(whoami.get("uidMap")).hasSize(1);
        assertThat(uid.get("inside").asLong()).isZero();
        assertThat(uid.get("outside").asLong()).isEqualTo(MY_EUID);
        assertThat(uid.get("length").asLong()).isEqualTo(1);
        assertThat(whoami.get("gidMap").get(0).get("outside").asLong()).isEqualTo(MY_EGID);
    }

    @Test
    void theLastSandboxIsKeptForThePage() {
        JsonNode whoami = getJson("/whoami");

        assertThat(getJson("/whoami/last")).isEqualTo(whoami);
    }

    @Test
    void servesThePage() {
        String page = getText("/");

        assertThat(page).contains("<button id=\"run\"").contains("<script src=\"app.js\">");
    }

    @Test
    void exposesTheUsernsEndpoint() {
        JsonNode report = getJson("/actuator/userns");

        assertThat(report.get("supported").asBoolean()).isTrue();
        assertThat(report.get("defaults").get("uidMap").get(0).get("outside").asLong()).isEqualTo(MY_EUID);
    }

    @Test
    void theUsernsHealthContributorIsUp() {
        assertThat(getJson("/actuator/health/userns").get("status").asString()).isEqualTo("UP");
    }

    @Test
    void prometheusShowsTheLinxUserMetersAfterAWhoami() {
        getJson("/whoami");

        String scrape = getText("/actuator/prometheus");

        assertThat(scrape).contains("linx_user_operations_seconds_count{operation=\"setup_maps\",outcome=\"success\"");
    }

    @Test
    void exposesMetrics() {
        getJson("/whoami");

        assertThat(getJson("/actuator/metrics/linx.user.operations").get("name").asString())
            .isEqualTo("linx.user.operations");
    }

    private JsonNode getJson(String path) {
        return this.client.get().uri(path).exchange().expectStatus().isOk()
            .expectBody(JsonNode.class).returnResult().getResponseBody();
    }

    private String getText(String path) {
        return this.client.get().uri(path).exchange().expectStatus().isOk()
            .expectBody(String.class).returnResult().getResponseBody();
    }
}
