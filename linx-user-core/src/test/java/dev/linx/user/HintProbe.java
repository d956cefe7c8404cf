package dev.linx.user;

import java.util.List;
import java.util.Set;

/**
 * Rejections that need a caller other than the test JVM (no CAP_SETFCAP, a wrapping namespace, another user, another
 * /proc or /etc/subuid), run by
 * {@link RejectionHintTest} in a JVM of its own. Prints {@code errno operation | hint}.
 */
public final class HintProbe {

    private HintProbe() {
    }

    public static void main(String[] args) {
        UserNamespaceOperations ops = UserNamespaces.operations(MappingStrategy.DIRECT);
        String result;
        try {
            switch (args[0]) {
                case "map-host-root" -> onParkedChild(pid -> ops.setUidMap(pid, List.of(IdMapping.of(0, 0, 1))));
                case "map-unmapped" -> onParkedChild(pid -> ops.setUidMap(pid, List.of(IdMapping.of(0, 1000, 1))));
                case "write-uid-map" -> ops.setUidMap(Long.parseLong(args[1]), List.of(IdMapping.of(0, 65534, 1)));
                case "read-uid-map" -> ops.readUidMap(Long.parseLong(args[1]));
                case "helper-beyond-range" -> onParkedChild(pid -> UserNamespaces.operations(MappingStrategy.HELPER)
                        .setUidMap(pid, List.of(MapSetup.rootless().uid().getFirst(), IdMapping.of(1, 900_000, 10))));
                default -> throw new IllegalArgumentException(args[0]);
            }
            result = "accepted";
        } catch (UserNamespaceException e) {
            result = e.errno() + " " + e.operation() + " | " + e.hint().orElse("");
        }
        System.out.println(result);
    }

    private static void onParkedChild(java.util.function.LongConsumer write) {
        try (ParkedProcess child = ParkedProcess.start(List.of("true"), Set.of(Namespace.USER))) {
            write.accept(child.hostPid());
        }
    }
}
