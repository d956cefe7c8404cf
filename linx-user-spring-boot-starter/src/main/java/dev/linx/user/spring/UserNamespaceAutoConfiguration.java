package dev.linx.user.spring;

import dev.linx.user.IdMapping;
import dev.linx.user.InvalidMappingException;
import dev.linx.user.MapSetup;
import dev.linx.user.UserNamespaceLauncher;
import dev.linx.user.UserNamespaceOperations;
import dev.linx.user.UserNamespaces;
import java.util.List;
import java.util.StringJoiner;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.ConfigurationPropertiesBinding;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;

/**
 * Auto-configures the core beans: {@link UserNamespaceOperations} (the procfs verbs) and a
 * {@link UserNamespaceLauncher} that writes the {@code linx.user.*} maps for every workload it starts or, with
 * {@code linx.user.isolation.enabled=true}, gives each workload its own block of host ids; with
 * {@code linx.user.prepared=n}, it keeps {@code n} children parked ahead once the application is ready.
 *
 * <p>Off when {@code linx.user.enabled=false}, on a host that is not Linux, and on a kernel without user namespaces
 * (with a log line saying which); any other value of {@code linx.user.enabled} than {@code true} or {@code false}
 * stops start-up. Each bean backs off when the application defines its own.
 *
 * <pre>{@code
 * @RestController
 * class Sandbox {
 *     private final UserNamespaceLauncher launcher;
 *     Sandbox(UserNamespaceLauncher launcher) { this.launcher = launcher; }
 *     @PostMapping("/run") String run() throws Exception {
 *         return new String(launcher.start(List.of("id")).getInputStream().readAllBytes());
 *     }
 * }
 * }</pre>
 */
@AutoConfiguration
@Conditional({ OnUserNamespaceEnabledCondition.class, OnUserNamespaceSupportCondition.class })
@EnableConfigurationProperties(UserNamespaceProperties.class)
public final class UserNamespaceAutoConfiguration {

    static final String PREPARED = "linx.user.prepared";

    @Bean
    @ConditionalOnMissingBean
    UserNamespaceOperations userNamespaceOperations(UserNamespaceProperties properties) {
        return UserNamespaces.operations(properties.getStrategy());
    }

    /**
     * Closed with the context: a launcher may hold children and leases ahead of its starts. Every
     * {@link UserNamespaceLauncher.Listener} bean hears its starts, in bean order. Its prepared children
     * ({@code linx.user.prepared}) are parked from the moment the application is ready, not while it starts.
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    UserNamespaceLauncher userNamespaceLauncher(UserNamespaceOperations operations,
            UserNamespaceProperties properties, ObjectProvider<UserNamespaceLauncher.Listener> listeners,
            PreparedChildrenStarter preparedChildrenStarter) {
        int prepared = checkedPrepared(properties);
        UserNamespaceLauncher.Builder builder = UserNamespaceLauncher.builder(operations)
            .namespaces(properties.namespaceSet());
        // A loop rather than a method reference, whose lambda class would be spun on the start-up path.
        for (UserNamespaceLauncher.Listener listener : listeners.orderedStream().toList()) {
            builder.listener(listener);
        }
        if (properties.getIsolation().isEnabled()) {
            UserNamespaceLauncher.Isolation isolation = IsolatedPool.from(properties);
            builder.isolated(isolation.pool(), isolation.size());
        }
        else {
            builder.defaults(checkedDefaults(properties));
        }
        if (prepared == 0) {
            return builder.build();
        }
        UserNamespaceLauncher launcher = builder.prepared(prepared).deferPreparing().build();
        preparedChildrenStarter.startWhenReady(launcher);
        return launcher;
    }

    @Bean
    static PreparedChildrenStarter linxUserPreparedChildrenStarter() {
        return new PreparedChildrenStarter();
    }

    @Bean
    @ConfigurationPropertiesBinding
    static UserNamespacePropertiesConverter linxUserPropertiesConverter() {
        return new UserNamespacePropertiesConverter();
    }

    @Bean
    static UserNamespaceReadinessLogger userNamespaceReadinessLogger() {
        return new UserNamespaceReadinessLogger();
    }

    /**
     * Each map set by a property is checked on its own, against the other map's known-good rootless default, so that
     * the failure can name the one property at fault.
     */
    static MapSetup checkedDefaults(UserNamespaceProperties properties) {
        MapSetup setup;
        try {
            setup = properties.toMapSetup();
        }
        catch (InvalidMappingException ex) {
            // Only the subordinate layout reads anything: /etc/subuid and /etc/subgid.
            throw new InvalidUserNamespacePropertyException("linx.user.layout", "subordinate", ex);
        }
        if (!properties.hasUidMap() && !properties.hasGidMap()) {
            // The layout's own maps: rootless ones are valid by construction, subordinate ones were checked as they
            // were read (a failure there names the layout, above), and the launcher's builder checks them again.
            return setup;
        }
        MapSetup rootless = MapSetup.rootless();
        if (properties.hasUidMap()) {
            check("linx.user.uid-map", setup.uid(), MapSetup.of(setup.uid(), rootless.gid()));
        }
        if (properties.hasGidMap()) {
            check("linx.user.gid-map", setup.gid(), MapSetup.of(rootless.uid(), setup.gid()));
        }
        return setup;
    }

    /** The builder refuses a negative count too, but without naming the property. */
    static int checkedPrepared(UserNamespaceProperties properties) {
        int prepared = properties.getPrepared();
        if (prepared < 0) {
            throw new InvalidUserNamespacePropertyException(PREPARED, Integer.toString(prepared),
                    "must be 0 or more: how many children to keep parked ahead");
        }
        return prepared;
    }

    private static void check(String property, List<IdMapping> map, MapSetup alone) {
        try {
            alone.validate();
        }
        catch (InvalidMappingException ex) {
            throw new InvalidUserNamespacePropertyException(property, text(map), ex);
        }
    }

    /** A map as its property is written: {@code [0:1000:1, 1:100000:65536]}. */
    static String text(List<IdMapping> map) {
        StringJoiner value = new StringJoiner(", ", "[", "]");
        for (IdMapping entry : map) {
            value.add(entry.inside() + ":" + entry.outside() + ":" + entry.length());
        }
        return value.toString();
    }
}
