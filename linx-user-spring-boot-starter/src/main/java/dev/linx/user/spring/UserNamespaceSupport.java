package dev.linx.user.spring;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Whether this host can give the application user namespaces at all, and if not, why: the one question the
 * auto-configuration asks before registering anything.
 */
final class UserNamespaceSupport {

    static final Path SELF_UID_MAP = Path.of("/proc/self/uid_map");

    private UserNamespaceSupport() {
    }

    /** Empty when supported, or the reason it is not, for this JVM. */
    static Optional<String> unsupportedReason() {
        return unsupportedReason(System.getProperty("os.name", ""), SELF_UID_MAP);
    }

    static Optional<String> unsupportedReason(String osName, Path selfUidMap) {
        if (!osName.toLowerCase(Locale.ROOT).startsWith("linux")) {
            return Optional.of("user namespaces are a Linux feature and this host runs " + osName);
        }
        if (!Files.exists(selfUidMap)) {
            return Optional.of(selfUidMap + " does not exist: this kernel was built without user namespaces "
                    + "(CONFIG_USER_NS)");
        }
        return Optional.empty();
    }
}
