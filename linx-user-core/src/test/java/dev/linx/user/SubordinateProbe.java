package dev.linx.user;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Scenarios of host readiness and subordinate-id mapping, run by the tests in a JVM of their own as another user or in
 * a wrapping namespace. Prints result lines; uses no test library, so it needs only the core's classes.
 */
public final class SubordinateProbe {

    private SubordinateProbe() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "readiness" -> readiness(args.length > 1 ? HostReadiness.check(Path.of(args[1])) : HostReadiness.check());
            case "layout" -> layout();
            case "park" -> park();
            case "launcher" -> launcher();
            case "launcher-root-on-subordinate" -> launcherRootOnSubordinate(false);
            case "launcher-root-on-subordinate-prepared" -> launcherRootOnSubordinate(true);
            case "launcher-without-root-inside" -> launcherWithoutRootInside();
            case "helper-beyond-range" -> beyondRange(MappingStrategy.HELPER);
            case "direct-range" -> beyondRange(MappingStrategy.DIRECT);
            case "setgroups" -> setgroups(SetgroupsPolicy.parse(args[1]));
            case "own-gid-helper" -> ownGidThroughHelper();
            case "helper-layout" -> helperLayout();
            default -> throw new IllegalArgumentException(args[0]);
        }
        System.out.println("children-left " + ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count());
    }

    private static void launcher() throws Exception {
        launch(SubordinateIds.current().rootlessSetup(), "id -u; cat /proc/self/uid_map");
    }

    /**
     * A launcher whose maps put root inside on the first subordinate id and leave the user's own ids unmapped: this
     * JVM cannot start the child as that id, so the child must take uid and gid 0 inside after the checkpoint.
     */
    private static void launcherRootOnSubordinate(boolean prepared) throws Exception {
        SubordinateIds mine = SubordinateIds.current();
        launch(prepared, MapSetup.of(List.of(IdMapping.of(0, mine.uids().getFirst().start(), 65_536)),
                List.of(IdMapping.of(0, mine.gids().getFirst().start(), 65_536))),
                "id -u; id -g; grep -E 'Cap(Inh|Eff|Amb)' /proc/self/status");
    }

    /**
     * A launcher whose uid map leaves inside 0 unmapped (the user's own uid is inside 1) while its gid map puts gid 0 on
     * a subordinate id: no root to switch to, so the workload keeps what its host ids give it, no capability.
     */
    private static void launcherWithoutRootInside() throws Exception {
        SubordinateIds mine = SubordinateIds.current();
        launch(MapSetup.of(List.of(IdMapping.of(1, mine.uid(), 1)),
                List.of(IdMapping.of(0, mine.gids().getFirst().start(), 65_536))),
                "id -u; grep -E 'Cap(Eff|Amb)' /proc/self/status");
    }

    /** Runs the script through a launcher with the setup; prints its exit status, then each line as "launched ...". */
    private static void launch(MapSetup setup, String script) throws Exception {
        launch(false, setup, script);
    }

    /**
     * {@link #launch(MapSetup, String)}, through a launcher with one prepared child when asked: the start then waits
     * for it, takes it (printing "prepared HIT"), and the launcher is closed afterwards.
     */
    private static void launch(boolean prepared, MapSetup setup, String script) throws Exception {
        List<UserNamespaceLauncher.PreparedResult> results = new java.util.ArrayList<>();
        UserNamespaceLauncher launcher = UserNamespaceLauncher.builder(UserNamespaces.operations()).defaults(setup)
                .prepared(prepared ? 1 : 0).listener(UserNamespaceLauncher.Listener.preparedResults(results::add))
                .build();
        if (prepared) {
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (launcher.prepared().orElseThrow().ready() < 1 && System.nanoTime() < deadline) {
                Thread.sleep(2);
            }
        }
        Process workload;
        try (launcher) {
            workload = launcher.start(List.of("sh", "-c", script));
        }
        results.forEach(result -> System.out.println("prepared " + result));
        String out = new String(workload.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        System.out.println("exit " + workload.waitFor());
        out.lines().forEach(l -> System.out.println("launched " + String.join(" ", l.strip().split("\\s+"))));
    }

    private static void park() {
        try (ParkedProcess child = ParkedProcess.start(List.of("true"), Set.of(Namespace.USER))) {
            System.out.println("parked");
        } catch (java.io.UncheckedIOException e) {
            System.out.println("park-failed " + e.getMessage());
        }
    }

    private static void readiness(HostReadiness readiness) {
        for (HostReadiness.Finding f : readiness.findings()) {
            System.out.println(f.check().key() + " " + f.status().key() + " | " + f.evidence() + " | " + f.fix());
        }
        System.out.println("ready " + readiness.ready());
        System.out.println("summary " + readiness.summary());
    }

    /** The rootless layout through the default operations; uid and gid 1000 inside seen from outside. */
    private static void layout() throws Exception {
        MapSetup setup = SubordinateIds.current().rootlessSetup();
        try (ParkedProcess child = ParkedProcess.start(List.of("setpriv", "--reuid=1000", "--regid=1000",
                "--keep-groups", "sh", "-c", "id -u; id -g; exec sleep 30"), Set.of(Namespace.USER))) {
            UserNamespaces.operations().setupMaps(child.hostPid(), setup);
            System.out.println("uid_map " + UserNamespaces.operations().readUidMap(child.hostPid()));
            System.out.println("gid_map " + UserNamespaces.operations().readGidMap(child.hostPid()));
            Process workload = child.proceed();
            BufferedReader out = new BufferedReader(new InputStreamReader(workload.getInputStream(), StandardCharsets.UTF_8));
            System.out.println("inside " + out.readLine() + " " + out.readLine());
            System.out.println("outside " + status(child.hostPid(), "Uid") + " " + status(child.hostPid(), "Gid"));
            workload.destroyForcibly().waitFor();
        }
    }

    private static void beyondRange(MappingStrategy strategy) {
        SubordinateIds mine = SubordinateIds.current();
        UserNamespaceOperations ops = UserNamespaces.operations(strategy);
        try (ParkedProcess child = ParkedProcess.start(List.of("true"), Set.of(Namespace.USER))) {
            ops.setUidMap(child.hostPid(), List.of(IdMapping.of(0, mine.uid(), 1), IdMapping.of(1, 900_000, 10)));
            System.out.println("accepted");
        } catch (UserNamespaceException e) {
            System.out.println("errno " + e.errno() + " " + e.operation());
            System.out.println("message " + e.getMessage());
            System.out.println("hint " + e.hint().orElse(""));
            System.out.println("helper " + e.helperFailure().map(h -> h.program() + " " + h.exitStatus() + " "
                    + h.message()).orElse("none"));
            System.out.println("toString " + e);
        }
    }

    private static void setgroups(SetgroupsPolicy policy) {
        SubordinateIds mine = SubordinateIds.current();
        MapSetup layout = mine.rootlessSetup();
        UserNamespaceOperations ops = UserNamespaces.operations(MappingStrategy.HELPER);
        try (ParkedProcess child = ParkedProcess.start(List.of("true"), Set.of(Namespace.USER))) {
            ops.setupMaps(child.hostPid(), new MapSetup(layout.uid(), layout.gid(), policy));
            System.out.println("setgroups " + ops.readSetgroups(child.hostPid()));
        }
    }

    /** The rootless layout of this user's files, written through the helpers; prints it, then what the kernel holds. */
    private static void helperLayout() {
        MapSetup layout = SubordinateIds.current().rootlessSetup();
        System.out.println("layout uid " + layout.uid());
        System.out.println("layout gid " + layout.gid());
        UserNamespaceOperations ops = UserNamespaces.operations(MappingStrategy.HELPER);
        try (ParkedProcess child = ParkedProcess.start(List.of("true"), Set.of(Namespace.USER))) {
            ops.setupMaps(child.hostPid(), layout);
            System.out.println("uid_map " + ops.readUidMap(child.hostPid()));
            System.out.println("gid_map " + ops.readGidMap(child.hostPid()));
        } catch (UserNamespaceException e) {
            System.out.println("refused " + e.operation() + " " + e.helperFailure().map(h -> h.message()).orElse(""));
        }
    }

    private static void ownGidThroughHelper() {
        SubordinateIds mine = SubordinateIds.current();
        UserNamespaceOperations ops = UserNamespaces.operations(MappingStrategy.HELPER);
        try (ParkedProcess child = ParkedProcess.start(List.of("true"), Set.of(Namespace.USER))) {
            System.out.println("before " + ops.readSetgroups(child.hostPid()));
            ops.setGidMap(child.hostPid(), List.of(IdMapping.of(0, mine.gid(), 1)));
            System.out.println("after " + ops.readSetgroups(child.hostPid()));
        }
    }

    private static String status(long pid, String field) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1).strip().split("\\s+")[0];
            }
        }
        return "?";
    }
}
