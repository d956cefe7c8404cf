package control;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** Stands for the prepared-children condition: binds one integer property. */
public final class OnControlPreparedCondition extends SpringBootCondition {

    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
        int prepared = Binder.get(context.getEnvironment()).bind("control.prepared", Integer.class).orElse(0);
        return prepared > 0 ? ConditionOutcome.match("prepared") : ConditionOutcome.noMatch("none prepared");
    }
}
