package dev.linx.user.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.linx.user.UserNamespaceLauncher;
import dev.linx.user.UserNamespaceLauncher.PreparedStatus;
import dev.linx.user.UserNamespaces;
import dev.linx.user.testsupport.LauncherWaits;
import dev.linx.user.testsupport.ParkedShells;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.LazyInitializationBeanFactoryPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/**
 * {@code linx.user.prepared}: the auto-configured launcher keeps children parked ahead, from the moment the
 * application is ready, and the context kills them when it closes.
 */
@Timeout(120)
class UserNamespacePreparedAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(UserNamespaceAutoConfiguration.class));

    @TempDir
    Path ledger;

    @AfterEach
    void noChildIsLeftOnceTheContextIsClosed() throws InterruptedException {
        ParkedChildren.assertNoneLeft();
    }

    @Test
    void noPreparedChildrenByDefault() {
        this.runner.run(context -> assertThat(context.getBean(UserNamespaceLauncher.class).prepared()).isEmpty());
    }

    @Test
    void zeroMeansNoPreparedChildren() {
        this.runner.withPropertyValues("linx.user.prepared=0").run(context -> {
            UserNamespaceLauncher launcher = context.getBean(UserNamespaceLauncher.class);
            ParkedChildren.applicationReady(context);

            assertThat(launcher.prepared()).isEmpty();
            Thread.sleep(200);
            assertThat(ParkedShells.ofThisJvm()).isEmpty();
        });
    }

    @Test
    void thePropertyIsTheLaunchersTarget() {
        this.runner.withPropertyValues("linx.user.prepared=3")
            .run(context -> assertThat(context.getBean(UserNamespaceLauncher.class).prepared())
                .contains(new PreparedStatus(3, 0)));
    }

    @Test
    void noChildIsParkedWhileTheApplicationStarts() {
        this.runner.withPropertyValues("linx.user.prepared=2").run(context -> {
            Thread.sleep(300);   // what the pool needs to park its first child, several times over

            assertThat(ParkedShells.ofThisJvm()).isEmpty();
            assertThat(context.getBean(UserNamespaceLauncher.class).prepared()).contains(new PreparedStatus(2, 0));
        });
    }

    @Test
    void aRealApplicationParksNothingUntilItsRunnersHaveRunAndThenFillsThePool() throws InterruptedException {
        SpringApplication application = new SpringApplication(SlowRunnerApp.class);
        application.setWebApplicationType(WebApplicationType.NONE);

        try (ConfigurableApplicationContext context = application.run("--linx.user.prepared=2")) {
            assertThat(context.getBean(SlowRunnerApp.class).parkedWhileRunning).hasValue(0);
            LauncherWaits.awaitReady(context.getBean(UserNamespaceLauncher.class), 2);
            assertThat(ParkedShells.ofThisJvm()).hasSize(2);
        }
    }

    @Test
    void thePoolFillsOnceTheApplicationIsReady() {
        this.runner.withPropertyValues("linx.user.prepared=2").run(context -> {
            UserNamespaceLauncher launcher = context.getBean(UserNamespaceLauncher.class);

            ParkedChildren.applicationReady(context);

            LauncherWaits.awaitReady(launcher, 2);
            assertThat(ParkedShells.ofThisJvm()).hasSize(2);
        });
    }

    @Test
    void closingTheContextKillsAndReapsTheWaitingChildren() throws InterruptedException {
        AtomicReference<List<Long>> parked = new AtomicReference<>();
        this.runner.withPropertyValues("linx.user.prepared=2").run(context -> {
            ParkedChildren.applicationReady(context);
            LauncherWaits.awaitReady(context.getBean(UserNamespaceLauncher.class), 2);
            parked.set(ParkedShells.ofThisJvm());
        });

        assertThat(parked.get()).hasSize(2);
        assertThat(parked.get()).allSatisfy(pid -> assertThat(ProcessHandle.of(pid)).isEmpty());
        assertThat(ParkedChildren.descendants()).isEmpty();
    }

    @Test
    void aStartAfterTheApplicationIsReadyTakesAPreparedChildAndRunsAsRootInside() {
        this.runner.withPropertyValues("linx.user.prepared=1").run(context -> {
            UserNamespaceLauncher launcher = context.getBean(UserNamespaceLauncher.class);
            ParkedChildren.applicationReady(context);
            LauncherWaits.awaitReady(launcher, 1);
            long waiting = ParkedShells.ofThisJvm().getFirst();

            Process workload = launcher.start(List.of("id", "-u"));

            assertThat(workload.pid()).as("the prepared child became the workload").isEqualTo(waiting);
            assertThat(new String(workload.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("0\n");
            assertThat(workload.waitFor(10, TimeUnit.SECONDS)).isTrue();
        });
    }

    @Test
    void aLauncherCreatedOnlyAfterTheApplicationIsReadyStartsPreparingAtOnce() {
        this.runner.withPropertyValues("linx.user.prepared=1")
            .withBean(LazyInitializationBeanFactoryPostProcessor.class)
            .run(context -> {
                ParkedChildren.applicationReady(context);
                assertThat(context.getBeanFactory().containsSingleton("userNamespaceLauncher")).isFalse();

                UserNamespaceLauncher launcher = context.getBean(UserNamespaceLauncher.class);

                LauncherWaits.awaitReady(launcher, 1);
            });
    }

    @Test
    void aStartBeforeTheApplicationIsReadyParksItsOwnChild() {
        this.runner.withPropertyValues("linx.user.prepared=1").run(context -> {
            UserNamespaceLauncher launcher = context.getBean(UserNamespaceLauncher.class);

            Process workload = launcher.start(List.of("true"));

            assertThat(workload.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(workload.exitValue()).isZero();
            assertThat(launcher.prepared()).contains(new PreparedStatus(1, 0));
        });
    }

    @Test
    void withIsolationEachWaitingChildHoldsABlockUntilTheContextCloses() throws InterruptedException {
        assumeThat(TestPools.isRoot()).as("root: explicit host ranges").isTrue();
        AtomicReference<UserNamespaceLauncher> closed = new AtomicReference<>();
        this.runner.withPropertyValues(TestPools.isolated(TestPools.PREPARED, 4, this.ledger))
            .withPropertyValues("linx.user.prepared=2")
            .run(context -> {
                UserNamespaceLauncher launcher = context.getBean(UserNamespaceLauncher.class);
                UserNamespaceLauncher.Isolation isolation = launcher.isolation().orElseThrow();
                assertThat(isolation.pool().usage(isolation.size()).leased()).isZero();

                ParkedChildren.applicationReady(context);
                LauncherWaits.awaitReady(launcher, 2);

                assertThat(isolation.pool().usage(isolation.size()).leased()).isEqualTo(2);
                Process workload = launcher.start(List.of("id", "-u"));
                assertThat(new String(workload.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                    .isEqualTo("0\n");
                assertThat(workload.waitFor(10, TimeUnit.SECONDS)).isTrue();
                closed.set(launcher);
            });

        LauncherWaits.awaitGivenBack(closed.get());
        UserNamespaceLauncher.Isolation isolation = closed.get().isolation().orElseThrow();
        assertThat(isolation.pool().usage(isolation.size()).leased()).as("every block back").isZero();
    }

    @Test
    void theApplicationsOwnLauncherIsLeftForItToStartPreparing() {
        this.runner.withPropertyValues("linx.user.prepared=2")
            .withBean(UserNamespaceLauncher.class,
                    () -> UserNamespaceLauncher.builder(UserNamespaces.operations()).prepared(1).deferPreparing().build(),
                    definition -> definition.setDestroyMethodName("close"))
            .run(context -> {
                ParkedChildren.applicationReady(context);
                Thread.sleep(300);

                assertThat(context.getBean(UserNamespaceLauncher.class).prepared())
                    .contains(new PreparedStatus(1, 0));
                assertThat(ParkedShells.ofThisJvm()).isEmpty();
            });
    }

    @Test
    void aNegativeValueStopsStartUpNamingTheProperty() {
        this.runner.withPropertyValues("linx.user.prepared=-1").run(context -> {
            FailureAnalysis analysis = failure(context);
            assertThat(analysis.getDescription()).startsWith("Invalid value for 'linx.user.prepared': -1")
                .contains("must be 0 or more");
            assertThat(analysis.getAction()).contains("Set linx.user.prepared to");
        });
    }

    @Test
    void aValueThatIsNotANumberStopsStartUpNamingTheProperty() {
        this.runner.withPropertyValues("linx.user.prepared=four").run(context -> {
            FailureAnalysis analysis = failure(context);
            assertThat(analysis.getDescription()).startsWith("Invalid value for 'linx.user.prepared': four");
            assertThat(analysis.getAction()).contains("Set linx.user.prepared to");
        });
    }

    @Test
    void disabledIgnoresEvenABadValue() {
        this.runner.withPropertyValues("linx.user.enabled=false", "linx.user.prepared=-1")
            .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(UserNamespaceLauncher.class));
    }

    /** An application whose last start-up step, a runner, takes longer than parking a child. */
    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class SlowRunnerApp implements ApplicationRunner {

        final AtomicInteger parkedWhileRunning = new AtomicInteger(-1);

        @Override
        public void run(ApplicationArguments args) throws InterruptedException {
            Thread.sleep(300);
            this.parkedWhileRunning.set(ParkedShells.ofThisJvm().size());
        }
    }

    private static FailureAnalysis failure(AssertableApplicationContext context) {
        assertThat(context).hasFailed();
        FailureAnalysis analysis = new UserNamespacePropertiesFailureAnalyzer().analyze(context.getStartupFailure());
        assertThat(analysis).as("analysis of %s", context.getStartupFailure()).isNotNull();
        return analysis;
    }
}
