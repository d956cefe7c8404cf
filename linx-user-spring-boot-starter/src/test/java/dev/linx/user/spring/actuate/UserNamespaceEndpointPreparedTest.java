package dev.linx.user.spring.actuate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linx.user.UserNamespaceLauncher;
import dev.linx.user.spring.ParkedChildren;
import dev.linx.user.testsupport.LauncherWaits;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The endpoint's {@code "prepared"}: how many children the launcher keeps parked ahead and how many wait. */
@Timeout(120)
class UserNamespaceEndpointPreparedTest {

    private final ApplicationContextRunner runner = ExposedEndpointRunner.create();

    @AfterEach
    void noChildIsLeftOnceTheContextIsClosed() throws InterruptedException {
        ParkedChildren.assertNoneLeft();
    }

    @Test
    void reportsTheTargetAndNoneReadyBeforeTheApplicationIsReady() {
        this.runner.withPropertyValues("linx.user.prepared=2")
            .run(context -> assertThat(context.getBean(UserNamespaceEndpoint.class).userNamespaces().prepared())
                .isEqualTo(new UserNamespaceEndpoint.PreparedDescriptor(2, 0)));
    }

    @Test
    void reportsHowManyWaitOnceTheApplicationIsReady() {
        this.runner.withPropertyValues("linx.user.prepared=2").run(context -> {
            ParkedChildren.applicationReady(context);
            LauncherWaits.awaitReady(context.getBean(UserNamespaceLauncher.class), 2);

            assertThat(context.getBean(UserNamespaceEndpoint.class).userNamespaces().prepared())
                .isEqualTo(new UserNamespaceEndpoint.PreparedDescriptor(2, 2));
        });
    }

    @Test
    void reportsNoPreparedChildrenForALauncherWithout() {
        this.runner.run(context -> {
            UserNamespaceEndpoint.UserNamespacesDescriptor report = context.getBean(UserNamespaceEndpoint.class)
                .userNamespaces();

            assertThat(report.prepared()).isNull();
            assertThat(report.defaults()).isNotNull();
        });
    }
}
