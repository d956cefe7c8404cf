package dev.linx.user.spring;

import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches unless {@code linx.user.enabled} is {@code false}. Stricter than {@code @ConditionalOnBooleanProperty},
 * which reads any value but {@code true} as off: a typo such as {@code yes} or {@code ture} would silently take every
 * linx-user bean away, so any value other than {@code true} or {@code false} stops start-up instead, naming the
 * property. Evaluated before the other conditions, as a property condition is.
 */
@Order(Ordered.HIGHEST_PRECEDENCE + 40)
final class OnUserNamespaceEnabledCondition extends SpringBootCondition {

    static final String PROPERTY = "linx.user.enabled";

    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
        ConditionMessage.Builder message = ConditionMessage.forCondition(PROPERTY);
        String value = context.getEnvironment().getProperty(PROPERTY);
        if (value == null) {
            return ConditionOutcome.match(message.because("not set: on by default"));
        }
        if (value.strip().equalsIgnoreCase("true")) {
            return ConditionOutcome.match(message.because("true"));
        }
        if (value.strip().equalsIgnoreCase("false")) {
            return ConditionOutcome.noMatch(message.because("false"));
        }
        throw new InvalidUserNamespacePropertyException(PROPERTY, value, "must be true or false");
    }
}
