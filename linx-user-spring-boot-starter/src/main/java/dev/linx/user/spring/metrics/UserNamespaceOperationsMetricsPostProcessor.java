package dev.linx.user.spring.metrics;

import dev.linx.user.UserNamespaceOperations;
import dev.linx.user.spring.metrics.UserNamespaceOperationsMeter.Verb;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Optional;
import java.util.function.Supplier;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.aop.Advisor;
import org.springframework.aop.framework.Advised;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.StaticMethodMatcherPointcut;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.FactoryBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.ResolvableType;
import org.springframework.util.ClassUtils;

/**
 * Measures every {@link UserNamespaceOperations} bean, the auto-configured one or the application's own, so that each
 * kernel rejection is counted once whoever calls the bean. A bean declared as {@code UserNamespaceOperations} is put
 * behind {@link MeteredUserNamespaceOperations}; one declared as any other type (say {@code @Bean MyOperations}), which
 * the application may inject as that type, gets a class-based proxy with the same meters instead, or, when its class
 * cannot be subclassed, is left unmeasured (logged at debug level).
 *
 * <p>A bean is measured when the context defines a {@link MeterRegistry}; the registry itself is looked up at the
 * first call, so that measuring does not create the registry, and everything it binds, early in start-up. When that
 * lookup finds no single registry (several, none of them primary), the calls go unmeasured rather than fail.
 */
final class UserNamespaceOperationsMetricsPostProcessor implements BeanPostProcessor, BeanFactoryAware {

    private static final Log logger = LogFactory.getLog(UserNamespaceOperationsMetricsPostProcessor.class);

    private final ObjectProvider<MeterRegistry> registry;

    private ConfigurableListableBeanFactory beanFactory;

    UserNamespaceOperationsMetricsPostProcessor(ObjectProvider<MeterRegistry> registry) {
        this.registry = registry;
    }

    @Override
    public void setBeanFactory(BeanFactory beanFactory) {
        this.beanFactory = (ConfigurableListableBeanFactory) beanFactory;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (!(bean instanceof UserNamespaceOperations operations) || isMeasured(bean) || !hasMeterRegistry()) {
            return bean;
        }
        Class<?> declaredType = declaredType(bean, beanName);
        if (declaredType == UserNamespaceOperations.class) {
            return new MeteredUserNamespaceOperations(operations, meter());
        }
        if (!canSubclass(bean.getClass())) {
            if (logger.isDebugEnabled()) {
                logger.debug("Not measuring bean '" + beanName + "': it is declared as " + declaredType.getName()
                        + ", which a decorator is not, and its class " + bean.getClass().getName()
                        + " (or one of its methods) is final, so no proxy can stand in for it");
            }
            return bean;
        }
        ProxyFactory proxy = new ProxyFactory(bean);
        proxy.setProxyTargetClass(true);
        proxy.addAdvisor(new DefaultPointcutAdvisor(OperationsMethods.INSTANCE, new MeteringInterceptor(meter())));
        return proxy.getProxy(this.beanFactory.getBeanClassLoader());
    }

    /**
     * Whether a class-based proxy can stand in for an instance of {@code type}: a final or sealed class cannot be
     * subclassed, and a final method, operations or not, would run on the proxy's own instance, whose fields were
     * never set.
     */
    private static boolean canSubclass(Class<?> type) {
        if (Modifier.isFinal(type.getModifiers()) || type.isSealed()) {
            return false;
        }
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Method method : c.getDeclaredMethods()) {
                int modifiers = method.getModifiers();
                if (Modifier.isFinal(modifiers) && !Modifier.isPrivate(modifiers) && !Modifier.isStatic(modifiers)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean isMeasured(Object bean) {
        if (bean instanceof MeteredUserNamespaceOperations) {
            return true;
        }
        if (bean instanceof Advised advised) {
            for (Advisor advisor : advised.getAdvisors()) {
                if (advisor.getAdvice() instanceof MeteringInterceptor) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The type the bean is declared with, which is what it may be injected as. The merged definition knows it (a
     * {@code @Bean} method's return type, a registered class, a factory bean's object type); {@code getType} does
     * not, as by now it reports the instance's own class.
     */
    private Class<?> declaredType(Object bean, String beanName) {
        if (this.beanFactory.containsBeanDefinition(beanName)) {
            ResolvableType type = this.beanFactory.getMergedBeanDefinition(beanName).getResolvableType();
            if (FactoryBean.class.isAssignableFrom(type.toClass())) {
                type = type.as(FactoryBean.class).getGeneric();
            }
            Class<?> resolved = type.resolve();
            if (resolved != null) {
                return resolved;
            }
        }
        // An inner bean, or a type that does not resolve: keep the bean's own class, the safe assumption.
        return bean.getClass();
    }

    private UserNamespaceOperationsMeter meter() {
        return new UserNamespaceOperationsMeter(new UniqueRegistry(this.registry));
    }

    private boolean hasMeterRegistry() {
        return this.beanFactory.getBeanNamesForType(MeterRegistry.class, true, false).length > 0;
    }

    /**
     * The application's unique meter registry, looked up at the first measured call. Cached as an {@link Optional}:
     * "no unique registry" is decided once, not looked up again at every call. A class rather than lambdas, which
     * would be spun on the start-up path.
     */
    private static final class UniqueRegistry implements Supplier<@Nullable MeterRegistry> {

        private final ObjectProvider<MeterRegistry> registry;

        private volatile @Nullable Optional<MeterRegistry> found;

        UniqueRegistry(ObjectProvider<MeterRegistry> registry) {
            this.registry = registry;
        }

        @Override
        public @Nullable MeterRegistry get() {
            Optional<MeterRegistry> unique = this.found;
            if (unique == null) {
                unique = Optional.ofNullable(this.registry.getIfUnique());
                this.found = unique;
            }
            return unique.orElse(null);
        }
    }

    /** The methods of {@link UserNamespaceOperations} that are measured, as the bean's class implements them. */
    private static final class OperationsMethods extends StaticMethodMatcherPointcut {

        static final OperationsMethods INSTANCE = new OperationsMethods();

        @Override
        public boolean matches(Method method, @Nullable Class<?> targetClass) {
            return Verb.ofMethod(method.getName()) != null && ClassUtils.hasMethod(UserNamespaceOperations.class,
                    method.getName(), method.getParameterTypes());
        }
    }

    /** Measures a proxied operations call as {@link MeteredUserNamespaceOperations} measures a delegated one. */
    private static final class MeteringInterceptor implements MethodInterceptor {

        private final UserNamespaceOperationsMeter meter;

        MeteringInterceptor(UserNamespaceOperationsMeter meter) {
            this.meter = meter;
        }

        @Override
        public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
            Verb verb = Verb.ofMethod(invocation.getMethod().getName());
            return (verb != null) ? this.meter.measure(verb, invocation::proceed) : invocation.proceed();
        }
    }
}
