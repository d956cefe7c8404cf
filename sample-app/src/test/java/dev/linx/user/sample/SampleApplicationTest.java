package dev.linx.user.sample;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linx.user.MapSetup;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class SampleApplicationTest {

    private static final JsonMapper json = JsonMapper.builder().build();

    private static final long MY_EUID = MapSetup.rootless().uid().getFirst().outside();

    private static final long MY_EGID = MapSetup.rootless().gid().getFirst().outside();

    @LocalServerPort
    int port;

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
        HttpResponse<String> page = new Http(this.port).get("/");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<button id=\"run\"").contains("<script src=\"app.js\">");
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

        HttpResponse<String> scrape = new Http(this.port).get("/actuator/prometheus");

        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(scrape.body()).contains("linx_user_operations_seconds_count{operation=\"setup_maps\",outcome=\"success\"");
    }

    @Test
    void exposesMetrics() {
        getJson("/whoami");

        assertThat(getJson("/actuator/metrics/linx.user.operations").get("name").asString())
            .isEqualTo("linx.user.operations");
    }

    private JsonNode getJson(String path) {
        HttpResponse<String> response = new Http(this.port).get(path);
        assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }
}
