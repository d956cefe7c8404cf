package dev.linx.user.spring.observation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import dev.linx.user.UserNamespaceLauncher;
import dev.linx.user.spring.UserNamespaceAutoConfiguration;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.test.simple.SimpleSpan;
import io.micrometer.tracing.test.simple.SimpleTracer;
import io.micrometer.tracing.test.simple.TracerAssert;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * With a tracing bridge (here Micrometer's {@link SimpleTracer}, through Spring Boot's own tracing
 * auto-configuration) every start is a span: named, tagged, with its phases as events and its error.
 */
class LaunchTracingTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class,
                MicrometerTracingAutoConfiguration.class, UserNamespaceAutoConfiguration.class,
                UserNamespaceObservationAutoConfiguration.class))
        .withBean(SimpleTracer.class, SimpleTracer::new);

    @Test
    void aStartIsASpanWithItsKeysAsTagsAndItsPhasesAsEvents() {
        this.runner.run(context -> {
            Process workload = context.getBean(UserNamespaceLauncher.class).start(List.of("true"));
            assertThat(workload.waitFor(10, TimeUnit.SECONDS)).isTrue();

            SimpleTracer tracer = context.getBean(SimpleTracer.class);
            TracerAssert.assertThat(tracer)
                .onlySpan()
                .hasNameEqualTo("linx.user.launch")
                .isStarted()
                .isEnded()
                .hasTag("namespaces", "user")
                .hasTag("isolated", "false")
                .hasTag("prepared", "off")
                .hasTag("outcome", "success")
                .hasTag("pid", Long.toString(workload.pid()))
                .hasEventWithNameEqualTo("parked")
                .hasEventWithNameEqualTo("mapped")
                .hasEventWithNameEqualTo("released");
            assertThat(tracer.onlySpan().getEvents()).extracting(Map.Entry::getValue)
                .containsExactly("parked", "mapped", "released");
            assertThat(tracer.onlySpan().getError()).isNull();
        });
    }

    @Test
    void aFailedStartIsASpanWithItsError() {
        this.runner.run(context -> {
            IllegalStateException refused = new IllegalStateException("refused at the checkpoint");

            assertThatExceptionOfType(IllegalStateException.class)
                .isThrownBy(() -> context.getBean(UserNamespaceLauncher.class).start(List.of("true"), pid -> {
                    throw refused;
                }));

            SimpleSpan span = context.getBean(SimpleTracer.class).onlySpan();
            TracerAssert.assertThat(context.getBean(SimpleTracer.class))
                .onlySpan()
                .isEnded()
                .hasTag("outcome", "error")
                .doesNotHaveTagWithKey("pid")
                .doesNotHaveEventWithNameEqualTo("released");
            assertThat(span.getError()).isSameAs(refused);
        });
    }

    @Test
    void aStartWithinAnotherObservationIsAChildSpanOfIt() {
        this.runner.run(context -> {
            Observation request = Observation.start("http.server.requests", context.getBean(ObservationRegistry.class));
            try (Observation.Scope scope = request.openScope()) {
                context.getBean(UserNamespaceLauncher.class).start(List.of("true")).waitFor();
            }
            finally {
                request.stop();
            }

            SimpleTracer tracer = context.getBean(SimpleTracer.class);
            SimpleSpan launch = tracer.getSpans().stream()
                .filter(span -> span.getName().equals("linx.user.launch"))
                .findFirst()
                .orElseThrow();
            SimpleSpan parent = tracer.getSpans().stream()
                .filter(span -> span.getName().equals("http.server.requests"))
                .findFirst()
                .orElseThrow();
            assertThat(launch.getParentId()).isEqualTo(parent.getSpanId());
            assertThat(launch.getTraceId()).isEqualTo(parent.getTraceId());
        });
    }
}
