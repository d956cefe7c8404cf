package dev.linx.user.spring.actuate;

import dev.linx.user.MapSetup;
import dev.linx.user.UserNamespaceLauncher;
import dev.linx.user.UserNamespaces;
import dev.linx.user.testsupport.SeccompFilter;
import java.time.Duration;
import org.springframework.boot.health.contributor.Health;

/**
 * Prints what the {@code userns} health contributor reports in this JVM, for tests that run it in another JVM
 * ({@link SecondJvm}): {@code status UP}, then one {@code key value} line per detail. With the argument
 * {@code seccomp}, first under a {@link SeccompFilter} that refuses {@code unshare(2)}, as in a container with Docker's
 * default profile.
 */
public final class HealthProbe {

    private HealthProbe() {
    }

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("seccomp")) {
            SeccompFilter.inThisProcess();
        }
        UserNamespaceLauncher launcher = new UserNamespaceLauncher(UserNamespaces.operations(), MapSetup.rootless());
        Health health = new UserNamespaceHealthIndicator(launcher, Duration.ZERO).health(true);
        System.out.println("status " + health.getStatus().getCode());
        health.getDetails().forEach((key, value) -> System.out.println(key + " " + value));
    }
}
