package dev.linx.user;

import java.util.List;
import java.util.Set;

/**
 * Kernel rules of docs/errors.md that only a JVM with less privilege than the test suite can meet, run by
 * {@link KernelRulesTest} in a JVM of its own. Prints one line per rejection or acceptance; uses no test library.
 */
public final class KernelRulesProbe {

    private static final UserNamespaceOperations OPS = UserNamespaces.operations();

    private KernelRulesProbe() {
    }

    public static void main(String[] args) {
        switch (args[0]) {
            case "setgroups-of-own-process" -> attempt(() -> OPS.denySetgroups(ProcessHandle.current().pid()));
            case "map-of-another-users-process" -> attempt(() -> OPS.setUidMap(1, MapSetup.rootless().uid()));
            case "host-root" -> {
                try (ParkedProcess child = ParkedProcess.start(List.of("true"), Set.of(Namespace.USER))) {
                    attempt(() -> OPS.setUidMap(child.hostPid(), List.of(IdMapping.of(0, 0, 1))));
                    attempt(() -> OPS.setGidMap(child.hostPid(), List.of(IdMapping.of(0, 0, 1))));
                }
                try (ParkedProcess child = ParkedProcess.start(List.of("true"), Set.of(Namespace.USER))) {
                    attempt(() -> OPS.setUidMap(child.hostPid(), List.of(IdMapping.of(0, 1000, 1))));
                }
            }
            case "outside-ids" -> {
                try (ParkedProcess child = ParkedProcess.start(List.of("true"), Set.of(Namespace.USER))) {
                    attempt(() -> OPS.setUidMap(child.hostPid(), List.of(IdMapping.of(0, 5, 1))));
                }
                try (ParkedProcess child = ParkedProcess.start(List.of("true"), Set.of(Namespace.USER))) {
                    attempt(() -> OPS.setUidMap(child.hostPid(), List.of(IdMapping.of(0, 0, 1))));
                }
            }
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    private static void attempt(Runnable call) {
        try {
            call.run();
            System.out.println("accepted");
        } catch (UserNamespaceException e) {
            System.out.println(e.errno() + " " + e.operation() + " | " + e.hint().orElse(""));
        }
    }
}
