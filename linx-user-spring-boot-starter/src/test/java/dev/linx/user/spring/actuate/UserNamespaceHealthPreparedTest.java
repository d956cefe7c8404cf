package dev.linx.user.spring.actuate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linx.user.UserNamespaceLauncher;
import dev.linx.user.spring.ParkedChildren;
import dev.linx.user.spring.UserNamespaceAutoConfiguration;
import dev.linx.user.UserNamespaceLauncher.PreparedResult;
import dev.linx.user.testsupport.LauncherWaits;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The {@code userns} health contributor of a launcher with prepared children: its target and ready in the details. */
@Timeout(120)
class UserNamespaceHealthPreparedTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(UserNamespaceAutoConfiguration.class,
                UserNamespaceHealthContributorAutoConfiguration.class));

    @AfterEach
    void noChildIsLeftOnceTheContextIsClosed() throws InterruptedException {
        ParkedChildren.assertNoneLeft();
    }

    @Test
    void theDetailsShowTheTargetAndHowManyWaitBeforeTheProbe() {
        this.runner.withPropertyValues("linx.user.prepared=1").run(context -> {
            UserNamespaceLauncher launcher = context.getBean(UserNamespaceLauncher.class);
            ParkedChildren.applicationReady(context);
            LauncherWaits.awaitReady(launcher, 1);

            Health health = context.getBean(UserNamespaceHealthIndicator.class).health();

            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails()).containsEntry("prepared", Map.of("target", 1, "ready", 1))
                .containsEntry("exitCode", 0);
        });
    }

    @Test
    void theProbeTakesAPreparedChildLikeAnyStart() {
        List<PreparedResult> results = new CopyOnWriteArrayList<>();
        this.runner.withPropertyValues("linx.user.prepared=1")
            .withBean(UserNamespaceLauncher.Listener.class,
                    () -> UserNamespaceLauncher.Listener.preparedResults(results::add))
            .run(context -> {
                ParkedChildren.applicationReady(context);
                LauncherWaits.awaitReady(context.getBean(UserNamespaceLauncher.class), 1);

                assertThat(context.getBean(UserNamespaceHealthIndicator.class).health().getStatus())
                    .isEqualTo(Status.UP);

                assertThat(results).containsExactly(PreparedResult.HIT);
            });
    }

    @Test
    void theDetailsHaveNoPreparedChildrenForALauncherWithout() {
        this.runner.run(context -> assertThat(context.getBean(UserNamespaceHealthIndicator.class).health().getDetails())
            .doesNotContainKey("prepared"));
    }
}
