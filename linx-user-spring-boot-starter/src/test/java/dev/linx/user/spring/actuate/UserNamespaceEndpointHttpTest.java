package dev.linx.user.spring.actuate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linx.user.MapSetup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
        "management.endpoints.web.exposure.include=userns,health,metrics",
        "management.endpoint.health.show-components=always", "management.endpoint.health.show-details=always" })
class UserNamespaceEndpointHttpTest {

    @LocalServerPort
    int port;

    Http http() {
        return new Http(this.port);
    }

    @Test
    void reportsSupportTheApplicationsMapsAndTheDefaults() {
        JsonNode report = http().getJson("/actuator/userns");

        assertThat(report.get("supported").asBoolean()).isTrue();
        assertThat(report.get("self").get("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
        JsonNode firstUid = report.get("self").get("uidMap").get(0);
        assertThat(firstUid.get("inside").isNumber()).isTrue();
        assertThat(firstUid.get("outside").isNumber()).isTrue();
        assertThat(firstUid.get("length").isNumber()).isTrue();
        assertThat(report.get("self").get("setgroups").asString()).isIn("allow", "deny");
        assertThat(report.get("defaults").get("uidMap").get(0).get("outside").asLong())
            .isEqualTo(MapSetup.rootless().uid().get(0).outside());
        assertThat(report.get("defaults").get("setgroups").asString()).isEqualTo("deny");
        assertThat(report.get("readiness").get("ready").isBoolean()).isTrue();
        assertThat(report.get("readiness").get("findings").get(0).get("check").asString()).isEqualTo("user_namespaces");
    }

    @Test
    void reportsOneProcessByPid() {
        long self = ProcessHandle.current().pid();

        JsonNode process = http().getJson("/actuator/userns/" + self);

        assertThat(process.get("pid").asLong()).isEqualTo(self);
        assertThat(process.get("uidMap").isArray()).isTrue();
        assertThat(process.get("gidMap").isArray()).isTrue();
        assertThat(process.get("setgroups").asString()).isEqualTo("allow");
    }

    @Test
    void answers404ForAPidWithNoProcess() {
        assertThat(http().get("/actuator/userns/" + UserNamespaceEndpointTest.unusedPid()).statusCode())
            .isEqualTo(404);
    }

    @ParameterizedTest
    @ValueSource(strings = { "9999999", "2147483648", "9223372036854775808", "123456789012345678901234567890" })
    void answers404ForEveryPositiveDecimalNumberThatNamesNoProcessHoweverLarge(String pid) {
        assertThat(http().get("/actuator/userns/" + pid).statusCode()).isEqualTo(404);
    }

    @ParameterizedTest
    @ValueSource(strings = { "0", "-1", "abc", "self", "1e3", "%2B1", "..%2F..%2Fetc%2Fpasswd", "%2e%2e" })
    void answers400ForAnythingButAPositiveDecimalPid(String selector) {
        assertThat(http().get("/actuator/userns/" + selector).statusCode()).isEqualTo(400);
    }

    @Test
    void hasNoWriteOperation() {
        assertThat(http().post("/actuator/userns").statusCode()).isEqualTo(405);
        assertThat(http().post("/actuator/userns/1").statusCode()).isEqualTo(405);
    }

    @Test
    void aKernelRejectionShowsInTheRejectionCounter() {
        double before = rejections("read_uid_map", "enoent");

        assertThat(http().get("/actuator/userns/" + UserNamespaceEndpointTest.unusedPid()).statusCode())
            .isEqualTo(404);

        assertThat(rejections("read_uid_map", "enoent")).isEqualTo(before + 1);
    }

    @Test
    void theUsernsHealthContributorIsUp() {
        JsonNode health = http().getJson("/actuator/health/userns");

        assertThat(health.get("status").asString()).isEqualTo("UP");
        assertThat(health.get("details").get("exitCode").asInt()).isZero();
    }

    private double rejections(String operation, String errno) {
        var response = http().get("/actuator/metrics/linx.user.rejections?tag=operation:" + operation + "&tag=errno:"
                + errno);
        if (response.statusCode() == 404) {
            return 0;
        }
        return http().getJson("/actuator/metrics/linx.user.rejections?tag=operation:" + operation + "&tag=errno:"
                + errno).get("measurements").get(0).get("value").asDouble();
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
    }
}
