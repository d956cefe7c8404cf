package control;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/** The metrics auto-configuration's shape: a post-processor that wraps the operations bean. */
@AutoConfiguration(after = ControlAutoConfiguration.class,
        afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBooleanProperty(name = "control.enabled", matchIfMissing = true)
public final class ControlMetricsAutoConfiguration {

    @Bean
    static Wrapping controlOperationsMetricsPostProcessor(ObjectProvider<MeterRegistry> registry) {
        return new Wrapping();
    }

    static final class Wrapping implements BeanPostProcessor, BeanFactoryAware {

        private ListableBeanFactory beanFactory;

        @Override
        public void setBeanFactory(BeanFactory beanFactory) {
            this.beanFactory = (ListableBeanFactory) beanFactory;
        }

        @Override
        public Object postProcessAfterInitialization(Object bean, String beanName) {
            if (bean instanceof ControlOperations
                    && this.beanFactory.getBeanNamesForType(MeterRegistry.class, true, false).length > 0) {
                return new ControlOperations();
            }
            return bean;
        }
    }
}
