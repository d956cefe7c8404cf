package dev.linx.user.spring.metrics;

import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when {@code linx.user.prepared} is above 0. A value that does not bind does not match: start-up then fails
 * where the starter binds its properties, with the failure analysis that names it.
 */
final class OnPreparedChildrenCondition extends SpringBootCondition {

    private static final String PROPERTY = "linx.user.prepared";

    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
        ConditionMessage.Builder message = ConditionMessage.forCondition(PROPERTY);
        int prepared;
        try {
            prepared = Binder.get(context.getEnvironment()).bind(PROPERTY, Integer.class).orElse(0);
        }
        catch (BindException ex) {
            return ConditionOutcome.noMatch(message.because("not a number"));
        }
        return (prepared > 0) ? ConditionOutcome.match(message.because(Integer.toString(prepared)))
                : ConditionOutcome.noMatch(message.because(prepared + ": no prepared children"));
    }
}
