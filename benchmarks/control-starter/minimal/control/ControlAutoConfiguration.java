package control;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The least a useful starter of this kind has: bound properties and two beans an application can replace. No
 * converter, listener, endpoint, health indicator or metrics.
 */
@AutoConfiguration
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
}
