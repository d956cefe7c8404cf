package dev.linx.user.spring.metrics;

import dev.linx.user.UserNamespaceOperations;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Optional;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.util.function.SingletonSupplier;

/**
 * Puts every {@link UserNamespaceOperations} bean, the auto-configured one or the application's own, behind
 * {@link MeteredUserNamespaceOperations}, so that each kernel rejection is counted once whoever calls the bean.
 * A bean is wrapped when the context defines a {@link MeterRegistry}; the registry itself is looked up at the first
 * call, so that wrapping does not create the registry, and everything it binds, early in start-up. When that lookup
 * finds no single registry (several, none of them primary), the calls go unmeasured rather than fail.
 */
final class UserNamespaceOperationsMetricsPostProcessor implements BeanPostProcessor, BeanFactoryAware {

    private final ObjectProvider<MeterRegistry> registry;

    private ListableBeanFactory beanFactory;

    UserNamespaceOperationsMetricsPostProcessor(ObjectProvider<MeterRegistry> registry) {
        this.registry = registry;
    }

    @Override
    public void setBeanFactory(BeanFactory beanFactory) {
        this.beanFactory = (ListableBeanFactory) beanFactory;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof UserNamespaceOperations operations && !(bean instanceof MeteredUserNamespaceOperations)
                && hasMeterRegistry()) {
            // Cached as an Optional: "no unique registry" is decided once, not looked up again at every call.
            SingletonSupplier<Optional<MeterRegistry>> unique = SingletonSupplier
                .of(() -> Optional.ofNullable(this.registry.getIfUnique()));
            return new MeteredUserNamespaceOperations(operations, () -> unique.obtain().orElse(null));
        }
        return bean;
    }

    private boolean hasMeterRegistry() {
        return this.beanFactory.getBeanNamesForType(MeterRegistry.class, true, false).length > 0;
    }
}
