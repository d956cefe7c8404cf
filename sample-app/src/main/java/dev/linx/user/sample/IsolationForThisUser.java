package dev.linx.user.sample;

import dev.linx.user.SubordinateIds;
import java.util.Map;
import org.apache.commons.logging.Log;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;

/**
 * Lets the one {@code application.yml} run the sample with isolation as root and as an unprivileged user, before the
 * configuration files are read:
 * <ul>
 *   <li>root has no subordinate ids of its own: the {@code root} profile is activated, whose document in
 *       {@code application.yml} gives the pool's host ranges explicitly;</li>
 *   <li>an unprivileged user with ranges in {@code /etc/subuid} and {@code /etc/subgid}: nothing to do, the starter
 *       leases from them;</li>
 *   <li>an unprivileged user without: {@code linx.user.isolation.enabled} is turned off (below the command line, so
 *       {@code --linx.user.isolation.enabled=true} still asks for it, and fails) and one log line says so. The
 *       starter itself would stop start-up: a real service should not quietly lose its isolation.</li>
 * </ul>
 */
final class IsolationForThisUser implements EnvironmentPostProcessor, Ordered {

    static final String ROOT_PROFILE = "root";

    static final String NO_SUBORDINATE_IDS = "sample-without-subordinate-ids";

    private final Log logger;

    IsolationForThisUser(DeferredLogFactory logs) {
        this.logger = logs.getLog(IsolationForThisUser.class);
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        choose(environment, SubordinateIds.current());
    }

    void choose(ConfigurableEnvironment environment, SubordinateIds user) {
        if (user.uid() == 0) {
            environment.addActiveProfile(ROOT_PROFILE);
            return;
        }
        if (!user.uids().isEmpty() && !user.gids().isEmpty()) {
            return;
        }
        MapPropertySource off = new MapPropertySource(NO_SUBORDINATE_IDS,
                Map.of("linx.user.isolation.enabled", "false"));
        MutablePropertySources sources = environment.getPropertySources();
        if (sources.contains("commandLineArgs")) {
            sources.addAfter("commandLineArgs", off);
        }
        else {
            sources.addFirst(off);
        }
        String name = (user.user() != null) ? user.user() : Long.toString(user.uid());
        this.logger.warn("Isolation is off: user " + name + " (uid " + user.uid() + ") has no range in "
                + (user.uids().isEmpty() ? "/etc/subuid" : "/etc/subgid") + ", so every sandbox runs as this"
                + " application's own ids; give it one (usermod --add-subuids 100000-165535 --add-subgids"
                + " 100000-165535 " + name + ") to give each sandbox its own block");
    }

    @Override
    public int getOrder() {
        // Before the configuration files are read: the profile decides which documents of application.yml apply.
        return Ordered.HIGHEST_PRECEDENCE + 5;
    }
}
