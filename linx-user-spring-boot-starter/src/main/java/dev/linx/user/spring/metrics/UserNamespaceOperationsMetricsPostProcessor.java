package dev.linx.user.spring.metrics;

import dev.linx.user.UserNamespaceOperations;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Puts every {@link UserNamespaceOperations} bean, the auto-configured one or the application's own, behind
 * {@link MeteredUserNamespaceOperations}, so that each kernel rejection is counted once whoever calls the bean.
 * The registry is looked up when the bean is created, not when this post-processor is, so that creating it early does
 * not pull the registry and its configuration out of order.
 */
final class UserNamespaceOperationsMetricsPostProcessor implements BeanPostProcessor {

    private final ObjectProvider<MeterRegistry> registry;

    UserNamespaceOperationsMetricsPostProcessor(ObjectProvider<MeterRegistry> registry) {
        this.registry = registry;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof UserNamespaceOperations operations && !(bean instanceof MeteredUserNamespaceOperations)) {
            MeterRegistry registry = this.registry.getIfUnique();
            if (registry != null) {
                return new MeteredUserNamespaceOperations(operations, registry);
            }
        }
        return bean;
    }
}
