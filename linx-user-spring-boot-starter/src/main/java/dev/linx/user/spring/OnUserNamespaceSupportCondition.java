package dev.linx.user.spring;

import java.util.Optional;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches on a Linux host whose kernel has user namespaces. When it does not match it says why in the log, at warn
 * level: an application that added the starter expects its beans and deserves to know why they are missing.
 */
final class OnUserNamespaceSupportCondition extends SpringBootCondition {

    private static final Log logger = LogFactory.getLog(UserNamespaceAutoConfiguration.class);

    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
        ConditionMessage.Builder message = ConditionMessage.forCondition("user namespace support");
        Optional<String> reason = UserNamespaceSupport.unsupportedReason();
        if (reason.isEmpty()) {
            return ConditionOutcome.match(message.available("user namespaces"));
        }
        logger.warn("linx-user auto-configuration is off: " + reason.get());
        return ConditionOutcome.noMatch(message.because(reason.get()));
    }
}
