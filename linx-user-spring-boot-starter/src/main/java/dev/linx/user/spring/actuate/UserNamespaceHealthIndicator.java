package dev.linx.user.spring.actuate;

import dev.linx.user.HostReadiness;
import dev.linx.user.UserNamespaceException;
import dev.linx.user.UserNamespaceLauncher;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/**
 * The {@code userns} health contributor: UP when the host is ready for user namespaces and the launcher can really
 * start a workload in a fresh one with its default maps; DOWN with the failed readiness findings, or the failed step,
 * errno and likely cause, otherwise.
 *
 * <p>Each check reads the {@link HostReadiness} report and, when the host is ready, starts {@code true} through the
 * launcher (a few milliseconds). Responses can be cached with {@code management.endpoint.health.cache.time-to-live}.
 *
 * <pre>{@code
 * $ curl localhost:8080/actuator/health/userns
 * {"status":"UP","details":{"probe":"true","exitCode":0}}
 * }</pre>
 */
public final class UserNamespaceHealthIndicator extends AbstractHealthIndicator {

    private static final List<String> PROBE = List.of("true");

    private static final long PROBE_TIMEOUT_SECONDS = 10;

    private final UserNamespaceLauncher launcher;

    private final Supplier<HostReadiness> readiness;

    /** @param launcher the launcher whose defaults the probe writes */
    public UserNamespaceHealthIndicator(UserNamespaceLauncher launcher) {
        this(launcher, HostReadiness::check);
    }

    /**
     * @param launcher the launcher whose defaults the probe writes
     * @param readiness the host readiness report, taken on each check
     */
    public UserNamespaceHealthIndicator(UserNamespaceLauncher launcher, Supplier<HostReadiness> readiness) {
        super("User namespace health check failed");
        this.launcher = launcher;
        this.readiness = readiness;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) throws Exception {
        HostReadiness report = this.readiness.get();
        builder.withDetail("readiness", report.summary());
        if (!report.ready()) {
            builder.down();
            for (HostReadiness.Finding finding : report.findings()) {
                if (finding.status() == HostReadiness.Status.FAIL) {
                    builder.withDetail(finding.check().key(), finding.evidence() + " Fix: " + finding.fix());
                }
            }
            return;
        }
        builder.withDetail("probe", String.join(" ", PROBE));
        Process probe;
        try {
            probe = this.launcher.start(PROBE);
        }
        catch (UserNamespaceException ex) {
            builder.down()
                .withDetail("operation", ex.operation().label())
                .withDetail("path", ex.path().toString())
                .withDetail("errno", ex.errno().name().toLowerCase(Locale.ROOT));
            ex.hint().ifPresent(hint -> builder.withDetail("hint", hint));
            return;
        }
        catch (UncheckedIOException ex) {
            builder.down().withDetail("error", ex.getMessage());
            return;
        }
        if (!probe.waitFor(PROBE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            probe.destroyForcibly().waitFor();
            builder.down().withDetail("error", "the probe did not exit within " + PROBE_TIMEOUT_SECONDS + " s");
            return;
        }
        int exitCode = probe.exitValue();
        builder.status(exitCode == 0 ? Status.UP : Status.DOWN).withDetail("exitCode", exitCode);
    }
}
