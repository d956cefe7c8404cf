package dev.linx.user.spring.observation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import dev.linx.user.UserNamespaceLauncher;
import dev.linx.user.spring.UserNamespaceAutoConfiguration;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** With Spring Boot's observation and metrics support, each start is timed as {@code linx.user.launch}. */
class LaunchMetricsTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class, MetricsAutoConfiguration.class,
                UserNamespaceAutoConfiguration.class, UserNamespaceObservationAutoConfiguration.class))
        .withBean(SimpleMeterRegistry.class);

    @Test
    void aStartIsTimedWithItsKeysAsTags() {
        this.runner.run(context -> {
            Process workload = context.getBean(UserNamespaceLauncher.class).start(List.of("true"));
            assertThat(workload.waitFor(10, TimeUnit.SECONDS)).isTrue();

            assertThat(context.getBean(MeterRegistry.class)
                .get("linx.user.launch")
                .tags("namespaces", "user", "isolated", "false", "prepared", "off", "outcome", "success", "error",
                        "none")
                .timer()
                .count()).isEqualTo(1);
        });
    }

    @Test
    void aFailedStartIsTimedAsAnErrorWithTheExceptionsClass() {
        this.runner.run(context -> {
            assertThatExceptionOfType(IllegalStateException.class)
                .isThrownBy(() -> context.getBean(UserNamespaceLauncher.class).start(List.of("true"), pid -> {
                    throw new IllegalStateException("refused at the checkpoint");
                }));

            assertThat(context.getBean(MeterRegistry.class)
                .get("linx.user.launch")
                .tags("outcome", "error", "error", "IllegalStateException")
                .timer()
                .count()).isEqualTo(1);
        });
    }

    @Test
    void springBootsObservationSwitchTurnsTheTimerOff() {
        this.runner.withPropertyValues("management.observations.enable.linx.user.launch=false").run(context -> {
            Process workload = context.getBean(UserNamespaceLauncher.class).start(List.of("true"));
            assertThat(workload.waitFor(10, TimeUnit.SECONDS)).isTrue();

            assertThat(context.getBean(MeterRegistry.class).find("linx.user.launch").meters()).isEmpty();
        });
    }

    @Test
    void everyMeterOfTheObservationHasTheSameTagKeysAndNoPid() {
        this.runner.run(context -> {
            UserNamespaceLauncher launcher = context.getBean(UserNamespaceLauncher.class);
            Process workload = launcher.start(List.of("true"));
            workload.waitFor();
            assertThatExceptionOfType(IllegalStateException.class)
                .isThrownBy(() -> launcher.start(List.of("true"), pid -> {
                    throw new IllegalStateException("refused");
                }));

            List<Meter> meters = context.getBean(MeterRegistry.class)
                .getMeters()
                .stream()
                .filter(meter -> meter.getId().getName().startsWith("linx.user.launch"))
                .toList();
            // The timer, the active-starts timer and a counter per event (parked, mapped, released).
            assertThat(meters).extracting(meter -> meter.getId().getName())
                .contains("linx.user.launch", "linx.user.launch.active", "linx.user.launch.parked",
                        "linx.user.launch.mapped", "linx.user.launch.released");
            for (Meter meter : meters) {
                Set<String> keys = meter.getId().getTags().stream().map(Tag::getKey).collect(Collectors.toSet());
                keys.remove("error");   // the timer's own, from Micrometer's meter handler
                assertThat(keys).as(meter.getId().toString())
                    .containsExactlyInAnyOrder("namespaces", "isolated", "prepared", "outcome");
                assertThat(meter.getId().getTags()).as(meter.getId().toString())
                    .noneSatisfy(tag -> assertThat(tag.getValue()).matches("\\d+"));
            }
        });
    }
}
