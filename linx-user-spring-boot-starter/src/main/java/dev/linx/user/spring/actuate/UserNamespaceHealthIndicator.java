package dev.linx.user.spring.actuate;

import dev.linx.user.HostReadiness;
import dev.linx.user.UserNamespaceLauncher;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
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
        this(launcher, Host.INSTANCE, probeInterval, Host.INSTANCE);
    }

    /**
     * A contributor that takes the host's readiness from a supplier and reuses a check's result for 10 seconds.
     *
     * @param launcher the launcher whose defaults the probe writes
     * @param readiness the host readiness report, taken with each probe
     */
    public UserNamespaceHealthIndicator(UserNamespaceLauncher launcher, Supplier<HostReadiness> readiness) {
        this(launcher, readiness, DEFAULT_PROBE_INTERVAL, Host.INSTANCE);
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
            return (previous != null) ? previous.health()
                    : Health.unknown().withDetail("check", "the first check is still running").build();
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
            // Made per check, not held: the indicator, made at start-up, then loads none of the probe's classes.
            new UserNamespaceHealthProbe(this.launcher, this.readiness).check(builder);
        }
        catch (RuntimeException ex) {
            logger.warn("User namespace health check failed", ex);
            builder.down(ex);
        }
        return builder.build();
    }

    /**
     * The host's readiness report and clock. A named class rather than two method references: their lambda classes
     * would be spun while the application starts, which costs the start-up path more than loading this one.
     */
    private enum Host implements Supplier<HostReadiness>, LongSupplier {

        INSTANCE;

        @Override
        public HostReadiness get() {
            return HostReadiness.check();
        }

        @Override
        public long getAsLong() {
            return System.nanoTime();
        }
    }

    /** A check's result and when it was taken, in {@link System#nanoTime()} terms. */
    private record Result(Health health, long takenAt) {
    }
}
