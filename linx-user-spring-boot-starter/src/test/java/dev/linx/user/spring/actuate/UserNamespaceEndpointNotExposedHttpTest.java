package dev.linx.user.spring.actuate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

/** No exposure configured: Spring Boot's default exposes health only over HTTP. */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class UserNamespaceEndpointNotExposedHttpTest {

    @LocalServerPort
    int port;

    @Test
    void theEndpointIsNotReachableOverHttp() {
        Http http = new Http(this.port);

        assertThat(http.get("/actuator/userns").statusCode()).isEqualTo(404);
        assertThat(http.get("/actuator/userns/1").statusCode()).isEqualTo(404);
    }

    @Test
    void healthStillIs() {
        assertThat(new Http(this.port).get("/actuator/health").statusCode()).isEqualTo(200);
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
    }
}
