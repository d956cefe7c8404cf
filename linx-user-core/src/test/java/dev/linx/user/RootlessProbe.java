package dev.linx.user;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/**
 * Scenarios of the rootless flow, run by {@link RootlessFlowTest} in a separate JVM that has no privilege at all
 * (uid and gid 65534 when the suite runs as root). Prints one result line per scenario; uses no test library, so it
 * needs only the core's classes.
 */
public final class RootlessProbe {

    private static final UserNamespaceOperations OPS = UserNamespaces.operations();

    private RootlessProbe() {
    }

    public static void main(String[] args) throws Exception {
        String result = switch (args[0]) {
            case "identity" -> MapSetup.rootless().uid().getFirst().outside() + " "
                    + MapSetup.rootless().gid().getFirst().outside();
            case "launcher" -> run(new UserNamespaceLauncher(OPS, MapSetup.rootless()).start(List.of("id", "-u")));
            case "manual" -> manualFlow();
            case "gid-without-deny" -> gidWithoutDeny();
            case "multi-range" -> multiRange(MappingStrategy.DIRECT);
            case "multi-range-auto" -> multiRange(MappingStrategy.AUTO);
            case "other-uid" -> otherUid();
            case "host-identity" -> hostIdentity();
            default -> throw new IllegalArgumentException(args[0]);
        };
        System.out.println(result);
        System.out.println("children-left " + ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count());
    }

    private static String manualFlow() throws Exception {
        try (ParkedProcess child = ParkedProcess.start(List.of("id"), Set.of(Namespace.USER))) {
            OPS.denySetgroups(child.hostPid());
            OPS.setUidMap(child.hostPid(), MapSetup.rootless().uid());
            OPS.setGidMap(child.hostPid(), MapSetup.rootless().gid());
            return run(child.proceed());
        }
    }

    private static String gidWithoutDeny() {
        try (ParkedProcess child = ParkedProcess.start(List.of("true"), Set.of(Namespace.USER))) {
            OPS.setUidMap(child.hostPid(), MapSetup.rootless().uid());
            OPS.setGidMap(child.hostPid(), MapSetup.rootless().gid());
            return "accepted";
        } catch (UserNamespaceException e) {
            return describe(e);
        }
    }

    private static String multiRange(MappingStrategy strategy) {
        long uid = MapSetup.rootless().uid().getFirst().outside();
        try (ParkedProcess child = ParkedProcess.start(List.of("true"), Set.of(Namespace.USER))) {
            UserNamespaces.operations(strategy).setUidMap(child.hostPid(), List.of(IdMapping.of(0, uid, 1), IdMapping.of(1, 100_000, 10)));
            return "accepted";
        } catch (UserNamespaceException e) {
            return describe(e);
        }
    }

    private static String otherUid() {
        try {
            new UserNamespaceLauncher(OPS, MapSetup.rootless(1000, 1000)).start(List.of("true"));
            return "accepted";
        } catch (UserNamespaceException e) {
            return describe(e);
        }
    }

    private static String hostIdentity() {
        try (ParkedProcess child = ParkedProcess.builder(List.of("true")).hostIdentity(1000, 1000).start()) {
            return "started " + child.hostPid();
        } catch (java.io.UncheckedIOException e) {
            return "helper-failed " + e.getMessage();
        }
    }

    private static String describe(UserNamespaceException e) {
        return e.errno() + " " + e.operation() + " " + e.code() + " | " + e.getMessage() + " | " + e.hint().orElse("")
                + " | " + e.helperFailure().map(h -> "helper " + h.exitStatus()).orElse("direct");
    }

    private static String run(Process process) throws Exception {
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        return out + " (exit " + process.waitFor() + ")";
    }
}
