package dev.linx.user.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import dev.linx.user.IdRange;
import dev.linx.user.MapSetup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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

    /** The pool of the root profile in application.yml. */
    private static final IdRange POOL = IdRange.parse("2000000:1048576");

    private static final long BLOCK = 65_536;

    @Autowired
    RestTestClient client;

    @Value("${server.address}")
    String address;

    @Test
    void listensOnLoopbackOnly() {
        assertThat(this.address).isEqualTo("127.0.0.1");
    }

    @Test
    void asRootEverySandboxIsRootInsideOnTheFirstIdOfABlockOfThePool() {
        assumeThat(MY_EUID).as("root: the pool of application.yml's root profile").isZero();
        JsonNode whoami = getJson("/whoami");

        assertThat(whoami.get("workload").asString()).startsWith("uid=0(root) gid=0(root)");
        long hostUid = whoami.get("hostUid").asLong();
        assertThat(POOL.contains(hostUid)).as("host uid %d in %s", hostUid, POOL).isTrue();
        assertThat((hostUid - POOL.start()) % BLOCK).isZero();
        assertThat(whoami.get("hostGid").asLong()).isEqualTo(hostUid);
        assertThat(whoami.get("setgroups").asString()).isEqualTo("deny");
    }

    @Test
    void whoamiReportsTheMapsTheKernelHoldsForTheSandboxAndItsBlock() {
        assumeThat(MY_EUID).as("root: the pool of application.yml's root profile").isZero();
        JsonNode whoami = getJson("/whoami");

        JsonNode uid = whoami.get("uidMap").get(0);
        assertThat(whoami.get("uidMap")).hasSize(1);
        assertThat(uid.get("inside").asLong()).isZero();
        assertThat(uid.get("outside").asLong()).isEqualTo(whoami.get("hostUid").asLong());
        assertThat(uid.get("length").asLong()).isEqualTo(BLOCK);
        assertThat(whoami.get("block").get("uids").get("start").asLong()).isEqualTo(uid.get("outside").asLong());
        assertThat(whoami.get("block").get("uids").get("count").asLong()).isEqualTo(BLOCK);
        assertThat(whoami.get("block").get("gids").get("start").asLong())
            .isEqualTo(whoami.get("gidMap").get(0).get("outside").asLong());
    }

    @Test
    void twoRunsInARowLandInDifferentBlocks() {
        assumeThat(MY_EUID).as("root: the pool of application.yml's root profile").isZero();
        JsonNode first = getJson("/whoami");
        JsonNode second = getJson("/whoami");

        assertThat(second.get("run").asInt()).isGreaterThan(first.get("run").asInt());
        assertThat(second.get("block").get("uids").get("start").asLong())
            .isNotEqualTo(first.get("block").get("uids").get("start").asLong());
    }

    @Test
    void theRecentRunsAreListedWithTheirBlocksOldestFirst() {
        assumeThat(MY_EUID).as("root: the pool of application.yml's root profile").isZero();
        JsonNode first = getJson("/whoami");
        JsonNode second = getJson("/whoami");

        JsonNode recent = getJson("/whoami/recent");

        JsonNode last = recent.get(recent.size() - 1);
        JsonNode beforeLast = recent.get(recent.size() - 2);
        assertThat(last.get("run").asInt()).isEqualTo(second.get("run").asInt());
        assertThat(last.get("block")).isEqualTo(second.get("block"));
        assertThat(beforeLast.get("run").asInt()).isEqualTo(first.get("run").asInt());
        assertThat(last.get("live").asBoolean()).isFalse();
        assertThat(recent.size()).isLessThanOrEqualTo(WhoamiSandbox.RECENT);
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
    void exposesTheUsernsEndpointWithThePool() {
        assumeThat(MY_EUID).as("root: the pool of application.yml's root profile").isZero();
        JsonNode report = getJson("/actuator/userns");

        assertThat(report.get("supported").asBoolean()).isTrue();
        assertThat(report.has("defaults")).isFalse();
        assertThat(report.get("pool").get("uids").get("start").asLong()).isEqualTo(POOL.start());
        assertThat(report.get("pool").get("uids").get("count").asLong()).isEqualTo(POOL.count());
        assertThat(report.get("pool").get("size").asLong()).isEqualTo(BLOCK);
        assertThat(report.get("pool").get("blocks").asLong()).isEqualTo(16);
        assertThat(report.get("workloads").isArray()).isTrue();
    }

    @Test
    void aSleepIsListedAmongTheLiveWorkloadsWhileItRunsAndGoneOnceItHasExited() throws InterruptedException {
        JsonNode sleeping = this.client.post().uri("/sleep").exchange().expectStatus().isAccepted()
            .expectBody(JsonNode.class).returnResult().getResponseBody();
        long pid = sleeping.get("pid").asLong();

        JsonNode workload = workload(pid);
        assertThat(workload).as("pid %d among the live workloads", pid).isNotNull();
        assertThat(workload.get("namespaces")).extracting(JsonNode::asString).contains("user");
        assertThat(workload.get("uidMap").get(0).get("inside").asLong()).isZero();
        assertThat(sleeping.get("seconds").asInt()).isEqualTo(SleepController.SECONDS);

        awaitGone(pid);
    }

    @Test
    void atMostEightSleepsRunAtOnce() throws InterruptedException {
        List<Long> pids = new ArrayList<>();
        for (int i = 0; i < SleepController.AT_ONCE; i++) {
            pids.add(this.client.post().uri("/sleep").exchange().expectStatus().isAccepted()
                .expectBody(JsonNode.class).returnResult().getResponseBody().get("pid").asLong());
        }

        this.client.post().uri("/sleep").exchange().expectStatus().isEqualTo(429);

        for (long pid : pids) {
            awaitGone(pid);
        }
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
    void prometheusShowsThePoolGauge() {
        assumeThat(MY_EUID).as("root: the pool of application.yml's root profile").isZero();
        String scrape = getText("/actuator/prometheus");

        assertThat(scrape).contains("linx_user_pool_blocks{state=\"free\"}")
            .contains("linx_user_pool_blocks{state=\"leased\"}");
    }

    @Test
    void exposesMetrics() {
        getJson("/whoami");

        assertThat(getJson("/actuator/metrics/linx.user.operations").get("name").asString())
            .isEqualTo("linx.user.operations");
    }

    @Test
    void exposesTheApplicationsSbomAsTheBuildWroteIt() {
        assertThat(getJson("/actuator/sbom").get("ids")).extracting(JsonNode::asString).containsExactly("application");

        JsonNode sbom = getJson("/actuator/sbom/application");

        assertThat(sbom.get("bomFormat").asString()).isEqualTo("CycloneDX");
        assertThat(sbom.get("components")).extracting(component -> component.get("name").asString())
            .contains("linx-user-spring-boot-starter", "linx-user-core");
    }

    private JsonNode workload(long pid) {
        return getJson("/actuator/userns").get("workloads").valueStream()
            .filter(w -> w.get("pid").asLong() == pid)
            .findFirst()
            .orElse(null);
    }

    /** Waits for the sleep to have ended and left the list: it sleeps {@value SleepController#SECONDS} s. */
    private void awaitGone(long pid) {
        await("pid " + pid + " gone from the list once it has exited")
            .atMost(Duration.ofSeconds(SleepController.SECONDS + 10)).pollInterval(Duration.ofMillis(100))
            .until(() -> workload(pid) == null);
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
