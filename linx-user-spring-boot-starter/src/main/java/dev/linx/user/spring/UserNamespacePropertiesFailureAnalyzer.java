package dev.linx.user.spring;

import dev.linx.user.InvalidMappingException;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.Ordered;

/**
 * Explains a bad {@code linx.user.*} value (or {@code management.health.userns.probe-interval}): which property, the
 * value given, the rule it breaks and how to write it.
 * Ordered before Spring Boot's generic binding analysis, whose action ("update your configuration") names no fix.
 */
final class UserNamespacePropertiesFailureAnalyzer implements FailureAnalyzer, Ordered {

    private static final String PREFIX = "linx.user.";

    /** The health contributor's one key of its own, bound where it is used. */
    static final String PROBE_INTERVAL = "management.health.userns.probe-interval";

    @Override
    public FailureAnalysis analyze(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof InvalidUserNamespacePropertyException invalid) {
                String action = (invalid.action() != null) ? invalid.action() : action(invalid.property());
                return analysis(invalid.property(), invalid.value(), invalid.problem(), action, t);
            }
            if (t instanceof BindException bind && isOurs(bind.getName().toString())) {
                ConfigurationProperty property = bind.getProperty();
                String name = property != null ? property.getName().toString() : bind.getName().toString();
                // No property for an entry given as an object (inside, outside, length): its reason shows the entry.
                String value = property != null ? String.valueOf(property.getValue()) : null;
                return analysis(name, value, rootMessage(bind), action(name), t);
            }
        }
        return null;
    }

    private static boolean isOurs(String property) {
        return property.startsWith(PREFIX) || property.equals(PROBE_INTERVAL);
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    private static FailureAnalysis analysis(String property, String value, String problem, String action,
            Throwable cause) {
        String description = "Invalid value for '" + property + "'" + (value != null ? ": " + value : "")
                + "\n\nReason: " + problem;
        return new FailureAnalysis(description, action, cause);
    }

    private static String action(String property) {
        String key = property.startsWith(PREFIX) ? property.substring(PREFIX.length()) : property;
        if (key.startsWith("isolation.")) {
            return isolationAction(key);
        }
        if (key.startsWith("uid-map") || key.startsWith("gid-map")) {
            String map = key.startsWith("uid") ? "linx.user.uid-map" : "linx.user.gid-map";
            return "Write each " + map + " entry as 'inside:outside:length' (for example '0:1000:1') or as an object "
                    + "with inside, outside and length. Ids are 0..4294967294, length is at least 1, a range may end "
                    + "at 4294967295 at most, ranges may not overlap inside or outside, and a map has at most 340 "
                    + "entries. Remove " + map + " to get the rootless default (0 inside -> the application's own id).";
        }
        if (key.startsWith("setgroups")) {
            return "Set linx.user.setgroups to 'deny' (the default, required for unprivileged applications) or 'skip'.";
        }
        if (key.startsWith("strategy")) {
            return "Set linx.user.strategy to 'auto' (the default), 'direct' or 'helper'.";
        }
        if (key.startsWith("layout")) {
            return "Set linx.user.layout to 'rootless' (the default) or 'subordinate'. With 'subordinate', give the "
                    + "application's user non-overlapping ranges in /etc/subuid and /etc/subgid that do not contain "
                    + "its own id (see docs/subordinate-ids.md), or set linx.user.uid-map and gid-map explicitly.";
        }
        if (key.startsWith("namespaces")) {
            return "List linx.user.namespaces from: user, mount, pid, uts, ipc, net, cgroup.";
        }
        if (key.equals("prepared")) {
            return "Set linx.user.prepared to a whole number of children to keep parked ahead, for example 4, or 0 "
                    + "(the default) for none.";
        }
        if (key.equals("enabled")) {
            return "Set linx.user.enabled to 'true' (the default) or 'false' (every linx-user bean off).";
        }
        if (property.equals(PROBE_INTERVAL)) {
            return "Set " + PROBE_INTERVAL + " to a duration of 0s or more, for example '10s' (the default); "
                    + "'0s' checks at every health request.";
        }
        return "Check " + property + " against the linx-user configuration reference (docs/configuration.md).";
    }

    private static String isolationAction(String key) {
        if (key.startsWith("isolation.uids") || key.startsWith("isolation.gids")) {
            String property = PREFIX + key;
            return "Write " + property + " as 'start:count' host ids, for example '2000000:1048576': start is "
                    + "0..4294967294, count at least 1, start + count at most 4294967295. Set linx.user.isolation.uids "
                    + "and gids together, or neither to lease from the application user's subordinate ranges.";
        }
        if (key.startsWith("isolation.size")) {
            return "Set linx.user.isolation.size to a power of two from 1 to 65536 (65536, the default, 4096, "
                    + "1024, ...) or a multiple of 65536, no larger than the pool.";
        }
        if (key.startsWith("isolation.ledger")) {
            return "Set linx.user.isolation.ledger to a directory path, or remove it for the default "
                    + "(/run/linx-user for root).";
        }
        return "Set linx.user.isolation.enabled to 'true' or 'false' (the default).";
    }

    private static String rootMessage(Throwable failure) {
        String message = failure.getMessage();
        for (Throwable t = failure.getCause(); t != null; t = t.getCause()) {
            if (t instanceof InvalidMappingException invalid) {
                return invalid.getMessage() + " (" + invalid.reason() + ")";
            }
            if (t.getMessage() != null) {
                message = t.getMessage();
            }
        }
        return message;
    }
}
