package dev.linx.user.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linx.user.IdMapping;
import dev.linx.user.MapSetup;
import dev.linx.user.MappingStrategy;
import dev.linx.user.Namespace;
import dev.linx.user.SetgroupsPolicy;
import dev.linx.user.SubordinateIds;
import dev.linx.user.UserNamespaceLauncher;
import dev.linx.user.UserNamespaceOperations;
import dev.linx.user.UserNamespaces;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@ExtendWith(OutputCaptureExtension.class)
class UserNamespaceAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(UserNamespaceAutoConfiguration.class));

    @Test
    void registersOperationsAndLauncher() {
        this.runner.run(context -> {
            assertThat(context).hasSingleBean(UserNamespaceOperations.class);
            assertThat(context).hasSingleBean(UserNamespaceLauncher.class);
            assertThat(context).hasSingleBean(UserNamespaceProperties.class);
        });
    }

    @Test
    void defaultMappingIsTheApplicationsOwnEffectiveIdsLengthOneDenyingSetgroups() {
        this.runner.run(context -> {
            MapSetup defaults = context.getBean(UserNamespaceLauncher.class).defaults();
            assertThat(defaults).isEqualTo(MapSetup.rootless());
            assertThat(defaults.setgroups()).isEqualTo(SetgroupsPolicy.DENY);
        });
    }

    @Test
    void textEntriesBecomeTheLaunchersMaps() {
        this.runner.withPropertyValues("linx.user.uid-map=0:1000:1,1:100000:65536", "linx.user.gid-map[0]=0 1000 1")
            .run(context -> {
                MapSetup defaults = context.getBean(UserNamespaceLauncher.class).defaults();
                assertThat(defaults.uid()).containsExactly(IdMapping.of(0, 1000, 1), IdMapping.of(1, 100000, 65536));
                assertThat(defaults.gid()).containsExactly(IdMapping.of(0, 1000, 1));
            });
    }

    @Test
    void objectEntriesBecomeTheLaunchersMaps() {
        this.runner.withPropertyValues("linx.user.uid-map[0].inside=0", "linx.user.uid-map[0].outside=1000",
                "linx.user.uid-map[0].length=1", "linx.user.gid-map[0].inside=0", "linx.user.gid-map[0].outside=1001",
                "linx.user.gid-map[0].length=1")
            .run(context -> {
                MapSetup defaults = context.getBean(UserNamespaceLauncher.class).defaults();
                assertThat(defaults.uid()).containsExactly(IdMapping.of(0, 1000, 1));
                assertThat(defaults.gid()).containsExactly(IdMapping.of(0, 1001, 1));
            });
    }

    @Test
    void anUnsetMapKeepsTheRootlessDefaultWhenTheOtherIsConfigured() {
        this.runner.withPropertyValues("linx.user.uid-map=0:1000:1").run(context -> {
            MapSetup defaults = context.getBean(UserNamespaceLauncher.class).defaults();
            assertThat(defaults.gid()).isEqualTo(MapSetup.rootless().gid());
        });
    }

    @Test
    void setgroupsIsBoundIgnoringCase() {
        this.runner.withPropertyValues("linx.user.setgroups=Skip")
            .run(context -> assertThat(context.getBean(UserNamespaceLauncher.class).defaults().setgroups())
                .isEqualTo(SetgroupsPolicy.SKIP));
    }

    @Test
    void configuredNamespacesAlwaysIncludeTheUserNamespace() {
        this.runner.withPropertyValues("linx.user.namespaces=pid,uts")
            .run(context -> assertThat(context.getBean(UserNamespaceLauncher.class).namespaces())
                .containsExactlyInAnyOrder(Namespace.USER, Namespace.PID, Namespace.UTS));
    }

    @Test
    void theAutoConfiguredLauncherRunsTheWorkloadAsRootInside() {
        this.runner.run(context -> {
            Process id = context.getBean(UserNamespaceLauncher.class).start(List.of("id", "-u"));
            String out = new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(id.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(out.strip()).isEqualTo("0");
        });
    }

    @Test
    void theOperationsFollowTheConfiguredStrategy() {
        this.runner.withPropertyValues("linx.user.strategy=Helper")
            .run(context -> assertThat(context.getBean(UserNamespaceOperations.class))
                .isSameAs(UserNamespaces.operations(MappingStrategy.HELPER)));
    }

    @Test
    void theDefaultStrategyIsAuto() {
        this.runner.run(context -> assertThat(context.getBean(UserNamespaceOperations.class))
            .isSameAs(UserNamespaces.operations(MappingStrategy.AUTO)));
    }

    @Test
    void theSubordinateLayoutMapsTheUsersOwnIdAndItsSubordinateRanges() {
        this.runner.withPropertyValues("linx.user.layout=subordinate")
            .run(context -> assertThat(context.getBean(UserNamespaceLauncher.class).defaults())
                .isEqualTo(SubordinateIds.current().rootlessSetup()));
    }

    @Test
    void anExplicitMapOverridesTheLayout() {
        this.runner.withPropertyValues("linx.user.layout=subordinate", "linx.user.uid-map=0:1000:1")
            .run(context -> assertThat(context.getBean(UserNamespaceLauncher.class).defaults().uid())
                .containsExactly(IdMapping.of(0, 1000, 1)));
    }

    @Test
    void registersTheStartUpReadinessLog() {
        this.runner.run(context -> assertThat(context).hasSingleBean(UserNamespaceReadinessLogger.class));
    }

    @Test
    void anUnknownStrategyStopsStartUp() {
        this.runner.withPropertyValues("linx.user.strategy=magic").run(context -> {
            assertThat(context).hasFailed();
            FailureAnalysis analysis = analyze(context.getStartupFailure());
            assertThat(analysis.getDescription()).contains("'linx.user.strategy'").contains("magic")
                .contains("BAD_STRATEGY");
            assertThat(analysis.getAction()).contains("'auto'").contains("'direct'").contains("'helper'");
        });
    }

    @Test
    void backsOffWhenDisabled() {
        this.runner.withPropertyValues("linx.user.enabled=false").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(UserNamespaceOperations.class);
            assertThat(context).doesNotHaveBean(UserNamespaceLauncher.class);
            assertThat(context).doesNotHaveBean(UserNamespaceProperties.class);
        });
    }

    @Test
    void anEnabledValueOtherThanTrueOrFalseStopsStartUpInsteadOfSwitchingTheStarterOff() {
        this.runner.withPropertyValues("linx.user.enabled=yes").run(context -> {
            assertThat(context).hasFailed();
            FailureAnalysis analysis = analyze(context.getStartupFailure());
            assertThat(analysis.getDescription()).startsWith("Invalid value for 'linx.user.enabled': yes")
                .contains("must be true or false");
            assertThat(analysis.getAction()).contains("'true'").contains("'false'");
        });
    }

    @Test
    void enabledIsReadWithoutRegardToCase() {
        this.runner.withPropertyValues("linx.user.enabled=TRUE")
            .run(context -> assertThat(context).hasSingleBean(UserNamespaceLauncher.class));
        this.runner.withPropertyValues("linx.user.enabled=False")
            .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(UserNamespaceLauncher.class));
    }

    @Test
    void disabledIgnoresEvenInvalidMaps() {
        this.runner.withPropertyValues("linx.user.enabled=false", "linx.user.uid-map=nonsense")
            .run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void theApplicationsOperationsBeanWins() {
        this.runner.withUserConfiguration(UserOperationsConfiguration.class).run(context -> {
            assertThat(context).hasSingleBean(UserNamespaceOperations.class);
            assertThat(context.getBean(UserNamespaceOperations.class))
                .isSameAs(context.getBean(UserOperationsConfiguration.class).operations);
            assertThat(context).hasSingleBean(UserNamespaceLauncher.class);
        });
    }

    @Test
    void theApplicationsLauncherBeanWins() {
        this.runner.withUserConfiguration(UserLauncher.class).run(context -> {
            assertThat(context).hasSingleBean(UserNamespaceLauncher.class);
            assertThat(context.getBean(UserNamespaceLauncher.class).namespaces()).contains(Namespace.UTS);
        });
    }

    @Test
    void offOnAHostThatIsNotLinuxWithALogLineSayingWhy(CapturedOutput output) {
        this.runner.withSystemProperties("os.name=Mac OS X").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(UserNamespaceOperations.class);
            assertThat(context).doesNotHaveBean(UserNamespaceLauncher.class);
        });
        assertThat(output).contains("linx-user auto-configuration is off: user namespaces are a Linux feature and "
                + "this host runs Mac OS X");
    }

    @Test
    void aBadEntryStopsStartUpNamingTheEntryTheValueAndTheFix() {
        this.runner.withPropertyValues("linx.user.uid-map[0]=0:1000:1", "linx.user.uid-map[1]=0:x:1").run(context -> {
            assertThat(context).hasFailed();
            FailureAnalysis analysis = analyze(context.getStartupFailure());
            assertThat(analysis.getDescription()).contains("'linx.user.uid-map[1]'").contains("0:x:1")
                .contains("BAD_ENTRY");
            assertThat(analysis.getAction()).contains("inside:outside:length").contains("0:1000:1");
        });
    }

    @Test
    void aBadObjectEntryStopsStartUp() {
        this.runner.withPropertyValues("linx.user.gid-map[0].inside=0", "linx.user.gid-map[0].outside=1000",
                "linx.user.gid-map[0].length=0").run(context -> {
                    assertThat(context).hasFailed();
                    FailureAnalysis analysis = analyze(context.getStartupFailure());
                    assertThat(analysis.getDescription()).startsWith("Invalid value for 'linx.user.gid-map[0]'\n")
                        .contains("{0, 1000, 0}").contains("BAD_ENTRY").doesNotContain("(not set)");
                    assertThat(analysis.getAction()).contains("linx.user.gid-map");
                });
    }

    @Test
    void overlappingEntriesStopStartUpNamingTheMap() {
        this.runner.withPropertyValues("linx.user.uid-map=0:1000:10,5:2000:1").run(context -> {
            assertThat(context).hasFailed();
            FailureAnalysis analysis = analyze(context.getStartupFailure());
            assertThat(analysis.getDescription()).contains("'linx.user.uid-map'")
                .contains("[0:1000:10, 5:2000:1]")
                .contains("OVERLAPPING_RANGES");
            assertThat(analysis.getAction()).contains("may not overlap");
        });
    }

    @Test
    void anUnknownSetgroupsValueStopsStartUp() {
        this.runner.withPropertyValues("linx.user.setgroups=sometimes").run(context -> {
            assertThat(context).hasFailed();
            FailureAnalysis analysis = analyze(context.getStartupFailure());
            assertThat(analysis.getDescription()).contains("'linx.user.setgroups'").contains("sometimes")
                .contains("BAD_SETGROUPS");
            assertThat(analysis.getAction()).contains("'deny'").contains("'skip'");
        });
    }

    private static FailureAnalysis analyze(Throwable failure) {
        FailureAnalysis analysis = new UserNamespacePropertiesFailureAnalyzer().analyze(failure);
        assertThat(analysis).as("analysis of %s", failure).isNotNull();
        return analysis;
    }

    @Configuration(proxyBeanMethods = false)
    static class UserLauncher {

        @Bean
        UserNamespaceLauncher myLauncher() {
            return new UserNamespaceLauncher(UserNamespaces.operations(), MapSetup.rootless(), Set.of(Namespace.UTS));
        }
    }

}
