package control;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.ConfigurationPropertiesBinding;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;

/**
 * The core auto-configuration's shape: two overridable beans (the launcher hearing every listener bean), a converter,
 * two ready-event listeners, a support condition.
 */
@AutoConfiguration
@ConditionalOnBooleanProperty(name = "control.enabled", matchIfMissing = true)
@Conditional(OnControlSupportCondition.class)
@EnableConfigurationProperties(ControlProperties.class)
public final class ControlAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    ControlOperations controlOperations(ControlProperties properties) {
        return new ControlOperations();
    }

    @Bean
    @ConditionalOnMissingBean
    ControlLauncher controlLauncher(ControlOperations operations, ControlProperties properties,
            ObjectProvider<ControlListener> listeners, ControlPreparedStarter starter) {
        listeners.orderedStream().forEach(listener -> { });
        return new ControlLauncher(operations);
    }

    @Bean
    static ControlPreparedStarter controlPreparedStarter() {
        return new ControlPreparedStarter();
    }

    @Bean
    @ConfigurationPropertiesBinding
    static ControlConverter controlConverter() {
        return new ControlConverter();
    }

    @Bean
    static ControlReadyListener controlReadyListener() {
        return new ControlReadyListener();
    }
}
