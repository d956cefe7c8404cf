package control;

import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** Stands for the support condition: one file check. */
public final class OnControlSupportCondition extends SpringBootCondition {

    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
        return Files.exists(Path.of("/proc/self/uid_map")) ? ConditionOutcome.match("supported")
                : ConditionOutcome.noMatch("unsupported");
    }
}
