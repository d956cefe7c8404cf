package dev.linx.user.spring;

import dev.linx.user.HostReadiness;
import dev.linx.user.HostReadiness.Finding;
import dev.linx.user.HostReadiness.Status;
import java.util.function.Supplier;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;

/**
 * Says once, when the application is ready, whether this host is ready for user namespaces: the report's summary
 * line, at info level when ready and warn level when not, then one line with the evidence and fix for each finding
 * that is not OK (failures at warn level, warnings at info level).
 *
 * <p>It runs on a daemon thread of its own, off the start-up path. A platform thread rather than a virtual one: the first
 * virtual thread of a JVM sets up the scheduler's pool, a few milliseconds that an application which never uses
 * virtual threads should not pay. The report only reads files (it asks the kernel through FFM only about a helper
 * without a setuid bit, and about ids that read as the overflow id where the map cannot tell), so it does not set off
 * the FFM linker's bootstrap, ~150 ms of CPU in a cold JVM, while the application is still warming up.
 */
final class UserNamespaceReadinessLogger implements ApplicationListener<ApplicationReadyEvent>, Runnable {

    private static final Log logger = LogFactory.getLog(UserNamespaceReadinessLogger.class);

    private final Supplier<HostReadiness> readiness;

    UserNamespaceReadinessLogger() {
        this(OwnHost.INSTANCE);
    }

    UserNamespaceReadinessLogger(Supplier<HostReadiness> readiness) {
        this.readiness = readiness;
    }

    @Override
    public void onApplicationEvent(ApplicationReadyEvent event) {
        // No thread builder and no method reference: each would load or spin classes on the start-up path.
        Thread thread = new Thread(this, "linx-user-readiness");
        thread.setDaemon(true);
        thread.setPriority(Thread.MIN_PRIORITY);
        thread.start();
    }

    /** The report thread's work. */
    @Override
    public void run() {
        log();
    }

    void log() {
        HostReadiness report = this.readiness.get();
        if (report.ready()) {
            logger.info(report.summary());
        }
        else {
            logger.warn(report.summary());
        }
        for (Finding finding : report.findings()) {
            String line = finding.status().key() + " " + finding.check().key() + ": " + finding.evidence()
                    + (finding.fix().isEmpty() ? "" : " Fix: " + finding.fix());
            if (finding.status() == Status.FAIL) {
                logger.warn(line);
            }
            else if (finding.status() == Status.WARN) {
                logger.info(line);
            }
        }
    }

    /**
     * This host's report, taken on the report thread. Named rather than a method reference, which would load
     * {@link HostReadiness} and spin a lambda class on the start-up path.
     */
    private enum OwnHost implements Supplier<HostReadiness> {

        INSTANCE;

        @Override
        public HostReadiness get() {
            return HostReadiness.check();
        }
    }
}
