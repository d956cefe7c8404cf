package dev.linx.user.spring.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import dev.linx.user.IdMapping;
import dev.linx.user.InvalidMappingException;
import dev.linx.user.MapSetup;
import dev.linx.user.Namespace;
import dev.linx.user.ParkedProcess;
import dev.linx.user.UserNamespaceException;
import dev.linx.user.UserNamespaceLauncher;
import dev.linx.user.UserNamespaceOperations;
import dev.linx.user.UserNamespaces;
import dev.linx.user.spring.ForwardingOperations;
import dev.linx.user.spring.UserNamespaceAutoConfiguration;
import dev.linx.user.spring.UserOperationsConfiguration;
import dev.linx.user.spring.WritesUidMapFirst;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

class UserNamespaceMetricsAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(UserNamespaceAutoConfiguration.class,
                UserNamespaceMetricsAutoConfiguration.class))
        .withBean(SimpleMeterRegistry.class);

    @Test
    void meteredOperationsStandInForTheAutoConfiguredBean() {
        this.runner.run(context -> assertThat(context.getBean(UserNamespaceOperations.class))
            .isInstanceOf(MeteredUserNamespaceOperations.class));
    }

    @Test
    void aKernelRejectionIsCountedOnceWithItsOperationAndErrno() {
        this.runner.run(context -> {
            UserNamespaceOperations operations = context.getBean(UserNamespaceOperations.class);
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            try (ParkedProcess child = ParkedProcess.start(List.of("true"), Set.of(Namespace.USER))) {
                operations.setupMaps(child.hostPid(), MapSetup.rootless());

                assertThatExceptionOfType(UserNamespaceException.class)
                    .isThrownBy(() -> operations.setUidMap(child.hostPid(), List.of(IdMapping.of(0, 0, 1))));
            }

            assertThat(rejections(registry, "set_uid_map", "eperm")).isEqualTo(1);
            assertThat(registry.find("linx.user.rejections").counters()).hasSize(1);
        });
    }

    @Test
    void aFailedSetupIsCountedOnceUnderTheStepThatFailed() {
        this.runner.run(context -> {
            UserNamespaceOperations operations = context.getBean(UserNamespaceOperations.class);
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            try (ParkedProcess child = ParkedProcess.start(List.of("true"), Set.of(Namespace.USER))) {
                operations.setGidMap(child.hostPid(), List.of(IdMapping.of(0, 0, 1)));

                assertThatExceptionOfType(UserNamespaceException.class)
                    .isThrownBy(() -> operations.setupMaps(child.hostPid(), MapSetup.rootless()));
            }

            assertThat(rejections(registry, "deny_setgroups", "eperm")).isEqualTo(1);
            assertThat(registry.find("linx.user.rejections").counters()).hasSize(1);
            assertThat(calls(registry, "setup_maps", "rejected")).isEqualTo(1);
        });
    }

    @Test
    void readsThatTheKernelRefusesAreCountedToo() {
        this.runner.run(context -> {
            UserNamespaceOperations operations = context.getBean(UserNamespaceOperations.class);

            assertThatExceptionOfType(UserNamespaceException.class)
                .isThrownBy(() -> operations.readUidMap(unusedPid()));

            assertThat(context.getBean(MeterRegistry.class).get("linx.user.rejections")
                .tags("operation", "read_uid_map", "errno", "enoent").counter().count()).isEqualTo(1);
        });
    }

    @Test
    void aLaunchIsTimedAsSetupMapsAndASuccessfulOneCountsNoRejection() {
        this.runner.withPropertyValues("linx.user.setgroups=skip").run(context -> {
            // Root may skip setgroups and still write gid_map: this run must succeed and count nothing.
            context.getBean(UserNamespaceLauncher.class).start(List.of("true")).waitFor();
            assertThat(context.getBean(MeterRegistry.class).find("linx.user.rejections").counters()).isEmpty();
            assertThat(context.getBean(MeterRegistry.class).get("linx.user.operations")
                .tags("operation", "setup_maps", "outcome", "success").timer().count()).isEqualTo(1);
        });
    }

    @Test
    void aLaunchTheKernelRefusesIsCountedUnderTheRefusedStepAndTimedAsARejectedSetup() {
        this.runner.withBean(UserNamespaceOperations.class, WritesUidMapFirst::new).run(context -> {
            UserNamespaceLauncher launcher = context.getBean(UserNamespaceLauncher.class);
            MeterRegistry registry = context.getBean(MeterRegistry.class);

            // The launcher kills and reaps the child before it rethrows.
            assertThatExceptionOfType(UserNamespaceException.class).isThrownBy(() -> launcher.start(List.of("true")));

            assertThat(rejections(registry, "set_uid_map", "eperm")).isEqualTo(1);
            assertThat(registry.find("linx.user.rejections").counters()).hasSize(1);
            assertThat(calls(registry, "setup_maps", "rejected")).isEqualTo(1);
        });
    }

    @Test
    void callerMistakesAreTimedAsInvalidButNotCountedAsRejections() {
        this.runner.run(context -> {
            UserNamespaceOperations operations = context.getBean(UserNamespaceOperations.class);
            MeterRegistry registry = context.getBean(MeterRegistry.class);

            assertThatExceptionOfType(InvalidMappingException.class)
                .isThrownBy(() -> operations.setUidMap(-1, List.of(IdMapping.of(0, 0, 1))));

            assertThat(registry.find("linx.user.rejections").counters()).isEmpty();
            assertThat(calls(registry, "set_uid_map", "invalid")).isEqualTo(1);
        });
    }

    @Test
    void theApplicationsOwnOperationsBeanIsMeteredToo() {
        this.runner.withUserConfiguration(UserOperationsConfiguration.class).run(context -> {
            UserNamespaceOperations operations = context.getBean(UserNamespaceOperations.class);
            assertThat(operations).isInstanceOf(MeteredUserNamespaceOperations.class);
            assertThat(((MeteredUserNamespaceOperations) operations).delegate())
                .isSameAs(context.getBean(UserOperationsConfiguration.class).operations);
        });
    }

    @Test
    void anOperationsBeanDeclaredAsItsOwnClassIsMeteredAndStillInjectableAsThatClass() {
        this.runner.withUserConfiguration(OwnClassOperationsConfiguration.class).run(context -> {
            assertThat(context).hasNotFailed();
            OwnClassOperations operations = context.getBean(OwnClassOperations.class);
            assertThat(context.getBean(OwnClassOperationsUser.class).operations).isSameAs(operations);
            MeterRegistry registry = context.getBean(MeterRegistry.class);

            provokeAUidMapRejection(operations);

            assertThat(rejections(registry, "set_uid_map", "eperm")).isEqualTo(1);
            assertThat(calls(registry, "set_uid_map", "rejected")).isEqualTo(1);
        });
    }

    @Test
    void anOperationsBeanDeclaredAsItsOwnFinalClassIsLeftUnmeasured() {
        this.runner.withBean(FinalOperations.class, FinalOperations::new).run(context -> {
            FinalOperations operations = context.getBean(FinalOperations.class);
            assertThat(operations).isExactlyInstanceOf(FinalOperations.class);

            provokeAUidMapRejection(operations);

            assertThat(context.getBean(MeterRegistry.class).getMeters()).isEmpty();
        });
    }

    @Test
    void anOperationsBeanWithAFinalMethodOfItsOwnIsLeftUnmeasuredRatherThanProxiedWithoutItsState() {
        this.runner.withBean(NamedOperations.class, () -> new NamedOperations("sandbox")).run(context -> {
            NamedOperations operations = context.getBean(NamedOperations.class);
            assertThat(operations).isExactlyInstanceOf(NamedOperations.class);
            assertThat(operations.name()).isEqualTo("sandbox");
        });
    }

    @Test
    void aRejectionThroughAnOperationsBeanThatDecoratesAnotherIsCountedAndTimedOnce() {
        this.runner.withUserConfiguration(DecoratingOperationsConfiguration.class).run(context -> {
            UserNamespaceOperations decorating = context.getBean(UserNamespaceOperations.class);
            assertThat(((MeteredUserNamespaceOperations) decorating).delegate()).isInstanceOf(Decorating.class);
            MeterRegistry registry = context.getBean(MeterRegistry.class);

            provokeAUidMapRejection(decorating);

            assertThat(rejections(registry, "set_uid_map", "eperm")).isEqualTo(1);
            assertThat(calls(registry, "set_uid_map", "rejected")).isEqualTo(1);
            assertThat(calls(registry, "set_uid_map", "success")).isEqualTo(1);
        });
    }

    @Test
    void aRejectionThatADecoratingBeanCatchesIsStillCountedOnce() {
        this.runner.withUserConfiguration(FallbackOperationsConfiguration.class).run(context -> {
            UserNamespaceOperations fallback = context.getBean(UserNamespaceOperations.class);
            MeterRegistry registry = context.getBean(MeterRegistry.class);

            try (ParkedProcess child = ParkedProcess.start(List.of("true"), Set.of(Namespace.USER))) {
                fallback.setUidMap(child.hostPid(), List.of(IdMapping.of(0, 0, 1)));
                fallback.setUidMap(child.hostPid(), List.of(IdMapping.of(0, 0, 1)));   // refused, then swallowed
            }

            assertThat(rejections(registry, "set_uid_map", "eperm")).isEqualTo(1);
            assertThat(calls(registry, "set_uid_map", "success")).isEqualTo(2);
        });
    }

    @Test
    void manyRejectionsForManyPidsKeepTheMetersBoundedByOperationsAndErrnos() {
        this.runner.run(context -> {
            UserNamespaceOperations operations = context.getBean(UserNamespaceOperations.class);
            long first = unusedPid();
            for (long pid = first; pid < first + 500; pid++) {
                long target = pid;
                assertThatExceptionOfType(UserNamespaceException.class)
                    .isThrownBy(() -> operations.readGidMap(target));
                assertThatExceptionOfType(UserNamespaceException.class)
                    .isThrownBy(() -> operations.denySetgroups(target));
            }
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            assertThat(registry.find("linx.user.rejections").counters()).hasSize(2);
            assertThat(registry.find("linx.user.operations").timers()).hasSize(2);
            assertThat(registry.getMeters()).allSatisfy(meter -> assertThat(meter.getId().getTags())
                .noneSatisfy(tag -> assertThat(tag.getValue()).matches("\\d+")));
        });
    }

    @Test
    void notMeteredWithoutAMeterRegistry() {
        new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(UserNamespaceAutoConfiguration.class,
                    UserNamespaceMetricsAutoConfiguration.class))
            .run(context -> assertThat(context.getBean(UserNamespaceOperations.class))
                .isNotInstanceOf(MeteredUserNamespaceOperations.class));
    }

    @Test
    void callsGoUnmeasuredRatherThanFailWhenNoRegistryIsUnique() {
        new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(UserNamespaceAutoConfiguration.class,
                    UserNamespaceMetricsAutoConfiguration.class))
            .withBean("first", SimpleMeterRegistry.class)
            .withBean("second", SimpleMeterRegistry.class)
            .run(context -> {
                UserNamespaceOperations operations = context.getBean(UserNamespaceOperations.class);

                assertThatExceptionOfType(UserNamespaceException.class)
                    .isThrownBy(() -> operations.readUidMap(unusedPid()));

                assertThat(context.getBeansOfType(MeterRegistry.class).values())
                    .allSatisfy(registry -> assertThat(registry.getMeters()).isEmpty());
            });
    }

    @Test
    void aContextWithoutMicrometerStillStarts() {
        new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(UserNamespaceAutoConfiguration.class,
                    UserNamespaceMetricsAutoConfiguration.class))
            .withClassLoader(new FilteredClassLoader(MeterRegistry.class))
            .run(context -> {
                assertThat(context).hasNotFailed();
                assertThat(context.getBean(UserNamespaceOperations.class))
                    .isNotInstanceOf(MeteredUserNamespaceOperations.class);
            });
    }

    @Test
    void backsOffWhenDisabled() {
        this.runner.withPropertyValues("linx.user.enabled=false")
            .withUserConfiguration(UserOperationsConfiguration.class)
            .run(context -> assertThat(context.getBean(UserNamespaceOperations.class))
                .isNotInstanceOf(MeteredUserNamespaceOperations.class));
    }

    /** Maps a fresh child's uids, then writes its uid_map again: the kernel refuses the second write (EPERM). */
    private static void provokeAUidMapRejection(UserNamespaceOperations operations) {
        try (ParkedProcess child = ParkedProcess.start(List.of("true"), Set.of(Namespace.USER))) {
            operations.setUidMap(child.hostPid(), List.of(IdMapping.of(0, 0, 1)));

            assertThatExceptionOfType(UserNamespaceException.class)
                .isThrownBy(() -> operations.setUidMap(child.hostPid(), List.of(IdMapping.of(0, 0, 1))));
        }
    }

    /** The count of {@code linx.user.rejections} with these tags. */
    private static double rejections(MeterRegistry registry, String operation, String errno) {
        return registry.get("linx.user.rejections").tags("operation", operation, "errno", errno).counter().count();
    }

    /** The count of {@code linx.user.operations} calls with these tags. */
    private static long calls(MeterRegistry registry, String operation, String outcome) {
        return registry.get("linx.user.operations").tags("operation", operation, "outcome", outcome).timer().count();
    }

    /** A pid above every live one: nobody has it right now. */
    static long unusedPid() {
        long highest = ProcessHandle.allProcesses().mapToLong(ProcessHandle::pid).max().orElse(1);
        return highest + 100_000;
    }

    /** An application's operations class, declared and injected as itself. */
    static class OwnClassOperations extends ForwardingOperations {

        OwnClassOperations() {
            super(UserNamespaces.operations());
        }
    }

    /** Needs the operations bean as the application declared it. */
    static final class OwnClassOperationsUser {

        final OwnClassOperations operations;

        OwnClassOperationsUser(OwnClassOperations operations) {
            this.operations = operations;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnClassOperationsConfiguration {

        @Bean
        OwnClassOperations ownClassOperations() {
            return new OwnClassOperations();
        }

        @Bean
        OwnClassOperationsUser ownClassOperationsUser(OwnClassOperations operations) {
            return new OwnClassOperationsUser(operations);
        }
    }

    /** An operations class no proxy can subclass. */
    static final class FinalOperations extends ForwardingOperations {

        FinalOperations() {
            super(UserNamespaces.operations());
        }
    }

    /** An extensible operations class with a final method of its own, which a subclassing proxy could not pass on. */
    static class NamedOperations extends ForwardingOperations {

        private final String name;

        NamedOperations(String name) {
            super(UserNamespaces.operations());
            this.name = name;
        }

        final String name() {
            return this.name;
        }
    }

    /** Operations that add something of their own around other operations: auditing, say. */
    static final class Decorating extends ForwardingOperations {

        Decorating(UserNamespaceOperations delegate) {
            super(delegate);
        }
    }

    /** A decorator that treats a refused uid map as done: the caller never sees the rejection. */
    static final class Fallback extends ForwardingOperations {

        Fallback(UserNamespaceOperations delegate) {
            super(delegate);
        }

        @Override
        public void setUidMap(long pid, List<IdMapping> map) {
            try {
                super.setUidMap(pid, map);
            }
            catch (UserNamespaceException ex) {
                // Already written: good enough for this application.
            }
        }
    }

    /** The application's operations, and a decorator over them that the application injects: both are beans. */
    abstract static class DecoratorConfiguration {

        @Bean
        UserNamespaceOperations plainOperations() {
            return UserNamespaces.operations();
        }

        @Bean
        @Primary
        UserNamespaceOperations decoratingOperations(@Qualifier("plainOperations") UserNamespaceOperations plain) {
            return decorate(plain);
        }

        abstract UserNamespaceOperations decorate(UserNamespaceOperations plain);
    }

    @Configuration(proxyBeanMethods = false)
    static class DecoratingOperationsConfiguration extends DecoratorConfiguration {

        @Override
        UserNamespaceOperations decorate(UserNamespaceOperations plain) {
            return new Decorating(plain);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class FallbackOperationsConfiguration extends DecoratorConfiguration {

        @Override
        UserNamespaceOperations decorate(UserNamespaceOperations plain) {
            return new Fallback(plain);
        }
    }
}
