package dev.linx.user.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.linx.user.HostReadiness;
import dev.linx.user.HostReadiness.Check;
import dev.linx.user.HostReadiness.Finding;
import dev.linx.user.HostReadiness.Status;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

@ExtendWith(OutputCaptureExtension.class)
class UserNamespaceReadinessLoggerTest {

    @Test
    void aStartedApplicationLogsThisHostsReadinessSummary(CapturedOutput output) throws InterruptedException {
        SpringApplication application = new SpringApplication(Plain.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        String summary = HostReadiness.check().summary();

        try (ConfigurableApplicationContext context = application.run()) {
            // The report is made after the ready event, on a thread of its own.
            await("the readiness summary logged").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .untilAsserted(() -> assertThat(output).contains(summary));
        }
    }

    @Test
    void aHostThatIsNotReadyIsAWarningWithEachFailedFindingAndItsFix(CapturedOutput output) {
        HostReadiness notReady = new HostReadiness(List.of(
                new Finding(Check.MAX_USER_NAMESPACES, Status.FAIL, "user.max_user_namespaces is 0",
                        "sysctl -w user.max_user_namespaces=15000"),
                new Finding(Check.SUBUID, Status.WARN, "no range for app in /etc/subuid", "usermod --add-subuids")));

        new UserNamespaceReadinessLogger(() -> notReady).log();

        assertThat(output).contains("WARN").contains(notReady.summary())
            .contains("fail max_user_namespaces: user.max_user_namespaces is 0 Fix: sysctl -w user.max_user_namespaces=15000")
            .contains("warn subuid: no range for app in /etc/subuid Fix: usermod --add-subuids");
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class Plain {
    }
}
