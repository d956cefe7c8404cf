package dev.linx.user.spring.actuate;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

/** With Spring Security present, Spring Boot's default protects userns as it protects every exposed endpoint. */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
        "management.endpoints.web.exposure.include=userns,metrics,health", "spring.security.user.name=ops",
        "spring.security.user.password=s3cret" })
@Tag("spring-security")   // runs only in the surefire execution with Spring Security on the classpath (see the pom)
class UserNamespaceEndpointSecurityTest {

    @LocalServerPort
    int port;

    @Test
    void anAnonymousCallerIsRefusedLikeForAnyOtherEndpoint() {
        Http http = new Http(this.port);

        assertThat(http.get("/actuator/userns").statusCode()).isEqualTo(401);
        assertThat(http.get("/actuator/userns/1").statusCode()).isEqualTo(401);
        assertThat(http.get("/actuator/metrics").statusCode()).isEqualTo(401);
    }

    @Test
    void anAuthenticatedCallerReadsTheReport() {
        HttpResponse<String> response = new Http(this.port).get("/actuator/userns", basic("ops", "s3cret"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"supported\":true");
    }

    @Test
    void wrongCredentialsAreRefused() {
        assertThat(new Http(this.port).get("/actuator/userns", basic("ops", "guess")).statusCode()).isEqualTo(401);
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
    }
}
