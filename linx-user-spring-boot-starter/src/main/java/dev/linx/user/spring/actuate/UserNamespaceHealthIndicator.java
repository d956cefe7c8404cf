package dev.linx.user.spring.actuate;

import dev.linx.user.HostReadiness;
import dev.linx.user.IdPool;
import dev.linx.user.IdPoolExhaustedException;
import dev.linx.user.UserNamespaceException;
import dev.linx.user.UserNamespaceLauncher;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.util.Assert;

/**
 * The {@code userns} health contributor: UP when the host is ready for user namespaces and the launcher can really
 * start a workload in a fresh one with its default maps; DOWN with the failed readiness findings, or the failed step,
 * errno and likely cause, otherwise.
 *
 * <p>A check reads the {@link HostReadiness} report and, when the host is ready, starts {@code true} through the
 * launcher (a few milliseconds). Both are taken together and their result is reused for the probe interval
 * ({@code management.health.userns.probe-interval}, 10 s by default): {@code /actuator/health} is open to anonymous
 * callers by default, and they must not be able to create processes and namespaces at request rate. At most one
 * check runs at a time and no caller waits for another's: one that arrives during a check gets the previous result,
 * or {@code UNKNOWN} while the first check runs. A caller interrupted during its check gets {@code DOWN}, and that
 * result is not kept.
 *
 * <p>For an isolated launcher the details show the pool's use ({@code size}, {@code blocks}, {@code leased},
 * {@code free}), taken before the probe; for a launcher with prepared children, how many it keeps and how many wait
 * ({@code prepared}: {@code target}, {@code ready}), taken before the probe, which takes one like any start. A full
 * pool is load, not a fault: the probe, which would need a block of its own, is skipped and the status stays
 * {@code UP}.
 *
 * <pre>{@code
 * $ curl localhost:8080/actuator/health/userns
 * {"details":{"readiness":"user namespaces ready: 11 ok, 0 warn, 0 fail, 2 skipped","probe":"true","exitCode":0},"status":"UP"}
 * }</pre>
 */
public final class UserNamespaceHealthIndicator implements HealthIndicator {

    /** How long a result is reused unless told otherwise. */
    static final Duration DEFAULT_PROBE_INTERVAL = Duration.ofSeconds(10);

    private static final Log logger = LogFactory.getLog(UserNamespaceHealthIndicator.class);

    private static final List<String> PROBE = List.of("true");

    private static final Health FIRST_CHECK_RUNNING = Health.unknown()
        .withDetail("check", "the first check is still running")
        .build();

    private static final long PROBE_TIMEOUT_SECONDS = 10;

    private final UserNamespaceLauncher launcher;

    private final Supplier<HostReadiness> readiness;

    private final Duration probeInterval;

    private final LongSupplier nanoTime;

    private final ReentrantLock checking = new ReentrantLock();

    private volatile @Nullable Result last;

    /**
     * A contributor that reuses a check's result for 10 seconds.
     *
     * @param launcher the launcher whose defaults the probe writes
     */
    public UserNamespaceHealthIndicator(UserNamespaceLauncher launcher) {
        this(launcher, DEFAULT_PROBE_INTERVAL);
    }

    /**
     * A contributor that reuses a check's result for a given time.
     *
     * @param launcher the launcher whose defaults the probe writes
     * @param probeInterval how long a check's result is reused; zero checks at every call
     */
    public UserNamespaceHealthIndicator(UserNamespaceLauncher launcher, Duration probeInterval) {
        this(launcher, HostReadiness::check, probeInterval, System::nanoTime);
    }

    /**
     * A contributor that takes the host's readiness from a supplier and reuses a check's result for 10 seconds.
     *
     * @param launcher the launcher whose defaults the probe writes
     * @param readiness the host readiness report, taken with each probe
     */
    public UserNamespaceHealthIndicator(UserNamespaceLauncher launcher, Supplier<HostReadiness> readiness) {
        this(launcher, readiness, DEFAULT_PROBE_INTERVAL, System::nanoTime);
    }

    UserNamespaceHealthIndicator(UserNamespaceLauncher launcher, Supplier<HostReadiness> readiness,
            Duration probeInterval, LongSupplier nanoTime) {
        Assert.isTrue(!probeInterval.isNegative(), "probeInterval must not be negative");
        this.launcher = launcher;
        this.readiness = readiness;
        this.probeInterval = probeInterval;
        this.nanoTime = nanoTime;
    }

    /** How long a check's result is reused. */
    Duration probeInterval() {
        return this.probeInterval;
    }

    @Override
    public Health health() {
        Result previous = this.last;
        if (previous != null && isFresh(previous)) {
            return previous.health();
        }
        if (!this.checking.tryLock()) {
            // Another caller is checking, which can take up to the launcher's timeouts: never queue behind it.
            return (previous != null) ? previous.health() : FIRST_CHECK_RUNNING;
        }
        try {
            Result current = this.last;
            if (current != null && isFresh(current)) {
                return current.health();
            }
            Health health = check();
            this.last = new Result(health, this.nanoTime.getAsLong());
            return health;
        }
        catch (InterruptedException ex) {
            // The caller was interrupted, not the host at fault: nothing worth reusing.
            Thread.currentThread().interrupt();
            return Health.down().withDetail("error", "interrupted while waiting for the probe").build();
        }
        finally {
            this.checking.unlock();
        }
    }

    private boolean isFresh(Result result) {
        return this.nanoTime.getAsLong() - result.takenAt() < this.probeInterval.toNanos();
    }

    private Health check() throws InterruptedException {
        Health.Builder builder = new Health.Builder();
        try {
            check(builder);
        }
        catch (RuntimeException ex) {
            logger.warn("User namespace health check failed", ex);
            builder.down(ex);
        }
        return builder.build();
    }

    private void check(Health.Builder builder) throws InterruptedException {
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

    /** A check's result and when it was taken, in {@link System#nanoTime()} terms. */
    private record Result(Health health, long takenAt) {
    }
}
