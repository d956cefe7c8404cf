package dev.linx.user.spring;

import dev.linx.user.HostReadiness;
import dev.linx.user.HostReadiness.Finding;
import dev.linx.user.HostReadiness.Status;
import java.util.function.Supplier;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Says once at start-up whether this host is ready for user namespaces: the report's summary line, at info level when
 * ready and warn level when not, then one line with the evidence and fix for each finding that is not OK (failures
 * at warn level, warnings at info level).
 */
final class UserNamespaceReadinessLogger implements SmartInitializingSingleton {

    private static final Log logger = LogFactory.getLog(UserNamespaceReadinessLogger.class);

    private final Supplier<HostReadiness> readiness;

    UserNamespaceReadinessLogger() {
        this(HostReadiness::check);
    }

    UserNamespaceReadinessLogger(Supplier<HostReadiness> readiness) {
        this.readiness = readiness;
    }

    @Override
    public void afterSingletonsInstantiated() {
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
}
