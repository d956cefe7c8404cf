package dev.linx.user.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;

@ExtendWith(OutputCaptureExtension.class)
class UserNamespacePropertiesFailureAnalyzerTest {

    @Test
    void aBadMapEndsStartUpWithSpringBootsFailureReportNamingThePropertyAndTheFix(CapturedOutput output) {
        failToStart("--linx.user.gid-map=0:1000:0");

        assertThat(output).contains("APPLICATION FAILED TO START")
            .contains("Invalid value for 'linx.user.gid-map': 0:1000:0")
            .contains("BAD_ENTRY")
            .contains("Write each linx.user.gid-map entry as 'inside:outside:length'");
    }

    @Test
    void anEnabledSwitchThatIsNeitherTrueNorFalseEndsStartUpWithTheReport(CapturedOutput output) {
        failToStart("--linx.user.enabled=yes");

        assertThat(output).contains("APPLICATION FAILED TO START")
            .contains("Invalid value for 'linx.user.enabled': yes")
            .contains("Reason: must be true or false")
            .contains("Set linx.user.enabled to 'true' (the default) or 'false'");
    }

    @Test
    void aNegativeProbeIntervalEndsStartUpWithTheReport(CapturedOutput output) {
        failToStart("--management.health.userns.probe-interval=-1s");

        assertThat(output).contains("APPLICATION FAILED TO START")
            .contains("Invalid value for 'management.health.userns.probe-interval': -1s")
            .contains("Reason: must not be negative")
            .contains("to a duration of 0s or more");
    }

    @Test
    void aNegativeNumberOfPreparedChildrenEndsStartUpWithTheReport(CapturedOutput output) {
        failToStart("--linx.user.prepared=-1");

        assertThat(output).contains("APPLICATION FAILED TO START")
            .contains("Invalid value for 'linx.user.prepared': -1")
            .contains("Reason: must be 0 or more")
            .contains("Set linx.user.prepared to a whole number of children");
    }

    @Test
    void leavesOtherBindingFailuresToSpringBoot() {
        assertThat(new UserNamespacePropertiesFailureAnalyzer().analyze(new IllegalStateException("other"))).isNull();
    }

    /** Runs the application with one bad argument; its failure report goes to the captured output. */
    private static void failToStart(String argument) {
        SpringApplication application = new SpringApplication(Plain.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        assertThatThrownBy(() -> application.run(argument)).isNotNull();
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class Plain {
    }
}
