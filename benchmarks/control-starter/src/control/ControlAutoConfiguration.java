package control;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.ConfigurationPropertiesBinding;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.convert.TypeDescriptor;
import org.springframework.core.convert.converter.GenericConverter;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** The core auto-configuration's shape: two overridable beans, a converter, a listener, a support condition. */
@AutoConfiguration
@ConditionalOnBooleanProperty(name = "control.enabled", matchIfMissing = true)
@Conditional(ControlAutoConfiguration.Support.class)
@EnableConfigurationProperties(ControlProperties.class)
public final class ControlAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    ControlOperations controlOperations(ControlProperties properties) {
        return new ControlOperations();
    }

    @Bean
    @ConditionalOnMissingBean
    ControlLauncher controlLauncher(ControlOperations operations, ControlProperties properties) {
        return new ControlLauncher(operations);
    }

    @Bean
    @ConfigurationPropertiesBinding
    static GenericConverter controlConverter() {
        return new Converter();
    }

    @Bean
    static Ready controlReady() {
        return new Ready();
    }

    static final class Converter implements GenericConverter {

        @Override
        public Set<ConvertiblePair> getConvertibleTypes() {
            return Set.of(new ConvertiblePair(String.class, ControlProperties.Entry.class));
        }

        @Override
        public Object convert(Object source, TypeDescriptor sourceType, TypeDescriptor targetType) {
            return new ControlProperties.Entry((String) source);
        }
    }

    static final class Ready implements ApplicationListener<ApplicationReadyEvent> {

        @Override
        public void onApplicationEvent(ApplicationReadyEvent event) {
        }
    }

    static final class Support extends SpringBootCondition {

        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return Files.exists(Path.of("/proc/self/uid_map")) ? ConditionOutcome.match("supported")
                    : ConditionOutcome.noMatch("unsupported");
        }
    }
}
