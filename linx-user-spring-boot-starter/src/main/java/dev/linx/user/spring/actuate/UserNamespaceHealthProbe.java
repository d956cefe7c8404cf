package dev.linx.user.spring.actuate;

import dev.linx.user.HostReadiness;
import dev.linx.user.IdPool;
import dev.linx.user.IdPoolExhaustedException;
import dev.linx.user.UserNamespaceException;
import dev.linx.user.UserNamespaceLauncher;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/**
 * What one health check does for {@link UserNamespaceHealthIndicator}: the host's readiness report, the pool's use and
 * the prepared children, then a start of {@code true} with the launcher's defaults. Apart from the indicator, which
 * only reuses results, so that creating the indicator at start-up loads none of this.
 */
final class UserNamespaceHealthProbe {

    private static final List<String> PROBE = List.of("true");

    private static final long PROBE_TIMEOUT_SECONDS = 10;

    private final UserNamespaceLauncher launcher;

    private final Supplier<HostReadiness> readiness;

    UserNamespaceHealthProbe(UserNamespaceLauncher launcher, Supplier<HostReadiness> readiness) {
        this.launcher = launcher;
        this.readiness = readiness;
    }

    /** One check, its findings added to {@code builder}. */
    void check(Health.Builder builder) throws InterruptedException {
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
        preparedChildren(builder);
        Optional<IdPool.Usage> usage = poolUsage(builder);
        if (usage.isPresent() && usage.get().free() == 0) {
            fullPool(builder);
            return;
        }
        builder.withDetail("probe", String.join(" ", PROBE));
        Process probe;
        try {
            probe = this.launcher.start(PROBE);
        }
        catch (IdPoolExhaustedException ex) {
            // Workloads took the last block since the pool was read.
            fullPool(builder);
            return;
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
            if (ex.getCause() instanceof InterruptedIOException) {
                // The launcher's way of saying this caller was interrupted: no finding about the host.
                throw new InterruptedException(ex.getMessage());
            }
            builder.down().withDetail("error", ex.getMessage());
            return;
        }
        try {
            if (!probe.waitFor(PROBE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                probe.destroyForcibly().waitFor(PROBE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                builder.down().withDetail("error", "the probe did not exit within " + PROBE_TIMEOUT_SECONDS + " s");
                return;
            }
        }
        catch (InterruptedException ex) {
            probe.destroyForcibly();
            throw ex;
        }
        int exitCode = probe.exitValue();
        builder.status(exitCode == 0 ? Status.UP : Status.DOWN).withDetail("exitCode", exitCode);
    }

    /** Adds the pool's use to the details, for an isolated launcher. */
    private Optional<IdPool.Usage> poolUsage(Health.Builder builder) {
        Optional<IdPool.Usage> usage = this.launcher.isolation()
            .map(isolation -> isolation.pool().usage(isolation.size()));
        usage.ifPresent(u -> {
            Map<String, Long> pool = new LinkedHashMap<>();
            pool.put("size", u.size());
            pool.put("blocks", u.blocks());
            pool.put("leased", u.leased());
            pool.put("free", u.free());
            builder.withDetail("pool", pool);
        });
        return usage;
    }

    /** Adds how many children the launcher keeps prepared and how many wait, for a launcher with prepared children. */
    private void preparedChildren(Health.Builder builder) {
        this.launcher.prepared().ifPresent(status -> {
            Map<String, Integer> prepared = new LinkedHashMap<>();
            prepared.put("target", status.target());
            prepared.put("ready", status.ready());
            builder.withDetail("prepared", prepared);
        });
    }

    private static void fullPool(Health.Builder builder) {
        builder.up()
            .withDetail("probe", "skipped: every block of the pool is leased, and a start fails with"
                    + " IdPoolExhaustedException until one is given back (load, not a fault)");
    }
}
