package dev.linx.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.linx.user.*;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Java examples of docs/examples.md, docs/core.md, docs/architecture.md, docs/host-readiness.md,
 * docs/subordinate-ids.md, docs/isolation.md and docs/prepared.md, run as written against the real kernel. The first test fails when a doc and this file drift
 * apart: every line of every java block of those pages must appear here.
 */
class DocsExamplesTest {

    private static final List<Path> DOCS = List.of(Path.of("..", "docs", "examples.md"),
            Path.of("..", "docs", "core.md"), Path.of("..", "docs", "architecture.md"),
            Path.of("..", "docs", "host-readiness.md"), Path.of("..", "docs", "subordinate-ids.md"),
            Path.of("..", "docs", "isolation.md"), Path.of("..", "docs", "prepared.md"));
    private static final Path THIS_SOURCE = Path.of("src/test/java/dev/linx/user/DocsExamplesTest.java");

    private final UserNamespaceOperations ops = UserNamespaces.operations();

    private final MapSetup me = MapSetup.rootless();

    private final long myUid = me.uid().getFirst().outside();

    @AfterEach
    void nothingIsLeftBehind() {
        Kernel.assertNoChildLeft();
    }

    @Test
    void everyJavaLineOfTheDocsIsInThisTest() throws Exception {
        List<String> source = Files.readAllLines(THIS_SOURCE).stream().map(String::strip).toList();
        for (Path doc : DOCS) {
            List<String> snippets = DocSnippets.javaLines(Files.readAllLines(doc));
            assertThat(source).as(doc.toString()).containsAll(snippets);
        }
    }

    // docs/examples.md

    @Test
    void isItSupported() {
        UserNamespaceOperations ops = UserNamespaces.operations();
        boolean supported = ops.isSupported();   // true iff /proc/self/uid_map exists (any kernel since 3.8)
        assertThat(supported).isTrue();
    }

    @Test
    void theRootlessMappingStepByStep() throws Exception {
        String printed = DocSnippets.capturingStdout(() -> {
            try (ParkedProcess child = ParkedProcess.start(List.of("/bin/sh", "-c", "id -u; whoami"), Set.of(Namespace.USER))) {
                long pid = child.hostPid();              // the pid as the host sees it: the one for /proc writes
                MapSetup me = MapSetup.rootless();       // 0 -> my effective uid, 0 -> my effective gid
                ops.denySetgroups(pid);                  // the kernel demands this before an unprivileged gid_map
                ops.setUidMap(pid, me.uid());
                ops.setGidMap(pid, me.gid());
                Process workload = child.proceed();      // its first instruction runs now
                System.out.print(new String(workload.getInputStream().readAllBytes()));   // 0, then root
                workload.waitFor();
            }
        });
        assertThat(printed).isEqualTo("0\nroot\n");
    }

    @Test
    void theInsideOutsideLengthShape() throws Exception {
        String printed = DocSnippets.capturingStdout(() -> {
            List<IdMapping> single = List.of(IdMapping.of(0, 1000, 1));            // uid 0 inside is uid 1000 outside
            List<IdMapping> range = List.of(IdMapping.of(0, 100_000, 65_536));     // 0..65535 inside are 100000..165535 outside
            List<IdMapping> several = List.of(IdMapping.of(0, 1000, 1), IdMapping.of(1, 100_000, 65_535));
            System.out.println(single);   // [IdMapping<0 -> 1000>]
            System.out.println(range);    // [IdMapping<0..65535 -> 100000..165535>]
            assertThat(several).hasSize(2);
        });
        assertThat(printed).isEqualTo("[IdMapping<0 -> 1000>]\n[IdMapping<0..65535 -> 100000..165535>]\n");
    }

    @Test
    void textInBothFormats() throws Exception {
        String printed = DocSnippets.capturingStdout(() -> {
            IdMapping fromKernel = IdMapping.parse("0 1000 1");
            IdMapping fromConfig = IdMapping.parse("0:1000:1");
            System.out.println(fromKernel.equals(fromConfig));   // true
        });
        assertThat(printed).isEqualTo("true\n");
    }

    @Test
    void theSetgroupsDance() throws Exception {
        String printed = DocSnippets.capturingStdout(() -> {
            try (ParkedProcess child = ParkedProcess.start(List.of("true"), Set.of(Namespace.USER))) {
                long pid = child.hostPid();
                System.out.println(ops.readSetgroups(pid));   // ALLOW
                ops.denySetgroups(pid);
                ops.denySetgroups(pid);                       // repeatable until gid_map is written
                ops.setGidMap(pid, MapSetup.rootless().gid());
                System.out.println(ops.readSetgroups(pid));   // DENY, for good
            }
        });
        assertThat(printed).isEqualTo("ALLOW\nDENY\n");
    }

    @Test
    void callerMistakes() throws Exception {
        try (ParkedProcess child = ParkedProcess.start(List.of("true"), Set.of(Namespace.USER))) {
            long pid = child.hostPid();
            String printed = DocSnippets.capturingStdout(() -> {
                try {
                    ops.setUidMap(pid, List.of());
                } catch (InvalidMappingException e) {
                    System.out.println(e.reason());   // EMPTY_MAP
                }
                try {
                    IdMapping.parse("0:1000");
                } catch (InvalidMappingException e) {
                    System.out.println(e.reason());   // BAD_ENTRY
                }
            });
            assertThat(printed).isEqualTo("EMPTY_MAP\nBAD_ENTRY\n");
            assertThat(ops.readUidMap(pid)).as("nothing written").isEmpty();
        }
    }

    @Test
    void kernelRejections() throws Exception {
        try (ParkedProcess child = ParkedProcess.start(List.of("true"), Set.of(Namespace.USER))) {
            long pid = child.hostPid();
            String printed = DocSnippets.capturingStdout(() -> {
                ops.setUidMap(pid, me.uid());
                try {
                    ops.setUidMap(pid, me.uid());                // a second write
                } catch (UserNamespaceException e) {
                    System.out.println(e.getMessage());          // user set_uid_map failed on /proc/4242/uid_map: eperm (errno 1)
                    System.out.println(e.hint().orElseThrow());  // map already written: uid_map is write-once per namespace; ...
                }
                try {
                    ops.setUidMap(9_999_999, me.uid());          // no such process
                } catch (UserNamespaceException e) {
                    System.out.println(e.errno() + " " + e.operation() + " " + e.path());   // ENOENT SET_UID_MAP /proc/9999999/uid_map
                }
            });
            assertThat(printed.lines().toList()).containsExactly(
                    "user set_uid_map failed on /proc/" + pid + "/uid_map: eperm (errno 1)",
                    "map already written: uid_map is write-once per namespace; plan the whole map in one call",
                    "ENOENT SET_UID_MAP /proc/9999999/uid_map");
        }
    }

    @Test
    void switchingOnErrno() throws Exception {
        try (ParkedProcess child = ParkedProcess.start(List.of("true"), Set.of(Namespace.USER))) {
            long pid = child.hostPid();
            List<IdMapping> mappings = me.uid();
            ops.setUidMap(pid, mappings);
            String printed = DocSnippets.capturingStdout(() -> {
                try {
                    ops.setUidMap(pid, mappings);
                } catch (InvalidMappingException e) {
                    System.out.println("invalid input: " + e.reason());   // nothing reached the kernel
                } catch (UserNamespaceException e) {
                    switch (e.errno()) {
                        case EPERM -> System.out.println("not permitted: " + e.hint().orElse(""));   // written already, or too broad
                        case ENOENT, ESRCH -> System.out.println("the process is gone");
                        default -> throw e;
                    }
                }
            });
            assertThat(printed).startsWith("not permitted: map already written: uid_map is write-once");
        }
    }

    @Test
    void readingTheJvmsOwnMap() throws Exception {
        String printed = DocSnippets.capturingStdout(() -> {
            long self = ProcessHandle.current().pid();
            System.out.println(ops.readUidMap(self));   // [IdMapping<0..4294967294 -> 0..4294967294>]
        });
        assertThat(printed).isEqualTo("[IdMapping<0..4294967294 -> 0..4294967294>]\n");
    }

    @Test
    void readingAMapBackAndWritingItElsewhere() throws Exception {
        String printed = DocSnippets.capturingStdout(() -> {
            try (ParkedProcess source = ParkedProcess.start(List.of("true"), Set.of(Namespace.USER));
                    ParkedProcess target = ParkedProcess.start(List.of("true"), Set.of(Namespace.USER))) {
                System.out.println(ops.readUidMap(source.hostPid()));   // []
                ops.setupMaps(source.hostPid(), MapSetup.rootless());
                List<IdMapping> copied = ops.readUidMap(source.hostPid());
                ops.denySetgroups(target.hostPid());
                ops.setUidMap(target.hostPid(), copied);
                ops.setGidMap(target.hostPid(), ops.readGidMap(source.hostPid()));
                System.out.println(ops.readUidMap(target.hostPid()));   // [IdMapping<0 -> 1000>]
            }
        });
        assertThat(printed).isEqualTo("[]\n[IdMapping<0 -> " + myUid + ">]\n");
    }

    @Test
    void setupMapsInOneCall() throws Exception {
        MapSetup setup = MapSetup.of(List.of(IdMapping.of(0, 1000, 1)), List.of(IdMapping.of(0, 1000, 1)));
        assertThat(setup).isEqualTo(MapSetup.rootless(1000, 1000));
        try (ParkedProcess child = ParkedProcess.start(List.of("true"), Set.of(Namespace.USER))) {
            long pid = child.hostPid();
            ops.setupMaps(pid, MapSetup.rootless());
            assertThat(ops.readSetgroups(pid)).isEqualTo(SetgroupsState.DENY);
            assertThat(ops.readUidMap(pid)).isEqualTo(me.uid());
            assertThat(ops.readGidMap(pid)).isEqualTo(me.gid());
        }
    }

    @Test
    void setupMapsStopsAtTheFailedStep() throws Exception {
        try (ParkedProcess child = ParkedProcess.start(List.of("true"), Set.of(Namespace.USER))) {
            long pid = child.hostPid();
            String printed = DocSnippets.capturingStdout(() -> {
                ops.setUidMap(pid, me.uid());                     // the uid map alone, written earlier
                try {
                    ops.setupMaps(pid, MapSetup.rootless());
                } catch (UserNamespaceException e) {
                    System.out.println(e.operation());            // SET_UID_MAP: the deny went through, the uid map did not
                }
                try {
                    new MapSetup(List.of(IdMapping.of(0, 1000, 1)), null, SetgroupsPolicy.DENY);
                } catch (InvalidMappingException e) {
                    System.out.println(e.reason());               // MISSING_GID_MAP
                }
                try {
                    SetgroupsPolicy.parse("sometimes");
                } catch (InvalidMappingException e) {
                    System.out.println(e.reason());               // BAD_SETGROUPS
                }
            });
            assertThat(printed).isEqualTo("SET_UID_MAP\nMISSING_GID_MAP\nBAD_SETGROUPS\n");
            assertThat(ops.readSetgroups(pid)).as("the deny went through").isEqualTo(SetgroupsState.DENY);
            assertThat(ops.readGidMap(pid)).as("no gid map").isEmpty();
        }
    }

    @Test
    void endToEndContainerWithItsOwnProc() throws Exception {
        String printed = DocSnippets.capturingStdout(() -> {
            UserNamespaceLauncher launcher = new UserNamespaceLauncher(ops, MapSetup.rootless(),
                    Set.of(Namespace.MOUNT, Namespace.PID));
            Process container = launcher.start(List.of("/bin/sh", "-c",
                    "mount -t proc proc /proc && echo \"pid $$, $(whoami)\" && ls -d /proc/[0-9]*"));
            System.out.print(new String(container.getInputStream().readAllBytes()));   // pid 1, root / /proc/1
            container.waitFor();
        });
        assertThat(printed).isEqualTo("pid 1, root\n/proc/1\n");
    }

    // docs/core.md

    @Test
    void corePreparedChildren() throws Exception {
        List<String> seen = new ArrayList<>();
        try (UserNamespaceLauncher launcher = UserNamespaceLauncher.builder(UserNamespaces.operations())
                .prepared(2)                                   // two children wait, namespaces made and maps written
                .build()) {
            Process id = launcher.start(List.of("id", "-u"));  // takes one of them: a single exec
            String out = new String(id.getInputStream().readAllBytes());   // "0\n"
            seen.add(out);
            id.waitFor();
        }   // close() kills and reaps the children still waiting
        assertThat(seen).containsExactly("0\n");
    }

    @Test
    void coreLiveWorkloads() throws Exception {
        UserNamespaceLauncher launcher = new UserNamespaceLauncher(UserNamespaces.operations(), MapSetup.rootless());
        Process sleeper = launcher.start(List.of("sleep", "30"));
        String printed = DocSnippets.capturingStdout(() -> {
            for (Workload workload : launcher.workloads()) {
                System.out.println(workload.pid() + " since " + workload.started() + ": " + workload.maps().uid());
            }
        });
        sleeper.destroyForcibly().waitFor();
        assertThat(printed).startsWith(sleeper.pid() + " since ");
    }

    @Test
    void coreWatchingStarts() throws Exception {
        String printed = DocSnippets.capturingStdout(() -> {
            UserNamespaceLauncher timed = UserNamespaceLauncher.builder(UserNamespaces.operations())
                    .listener(launcher -> new UserNamespaceLauncher.Launch() {
                        private final long begun = System.nanoTime();

                        @Override
                        public void released(Workload workload) {
                            System.out.printf("%d started in %d us%n", workload.pid(), (System.nanoTime() - begun) / 1000);
                        }
                    })
                    .build();
            timed.start(List.of("true")).waitFor();
        });
        assertThat(printed).matches("\\d+ started in \\d+ us\n");
    }

    @Test
    void coreTheFlow() throws Exception {
        UserNamespaceOperations ops = UserNamespaces.operations();
        try (ParkedProcess child = ParkedProcess.start(List.of("/bin/sh", "-c", "id; whoami"), Set.of(Namespace.USER))) {
            long pid = child.hostPid();                 // the pid for /proc writes
            ops.denySetgroups(pid);                     // the kernel demands this before an unprivileged gid_map
            ops.setUidMap(pid, List.of(IdMapping.of(0, 1000, 1)));   // root inside = uid 1000 outside (a JVM running as 1000)
            ops.setGidMap(pid, List.of(IdMapping.of(0, 1000, 1)));
            Process workload = child.proceed();         // uid=0(root) gid=0(root) ... / root
            String seen = Kernel.output(workload);
            // Root inside only for a JVM that is 1000 outside; any other JVM's child is the overflow id inside.
            assertThat(seen).startsWith(myUid == 1000 ? "uid=0(root)" : "uid=65534");
        }
    }

    @Test
    void coreTheLauncher() throws Exception {
        UserNamespaceLauncher launcher = new UserNamespaceLauncher(UserNamespaces.operations(), MapSetup.rootless());
        Process workload = launcher.start(List.of("id", "-u"));   // prints 0
        assertThat(Kernel.output(workload)).isEqualTo("0\n");
    }

    @Test
    void coreTheLauncherAtTheCheckpoint() throws Exception {
        UserNamespaceLauncher launcher = new UserNamespaceLauncher(UserNamespaces.operations(), MapSetup.rootless());
        List<IdMapping> written = new ArrayList<>();
        Process checked = launcher.start(List.of("id", "-u"), pid -> written.addAll(ops.readUidMap(pid)));
        // written: [IdMapping<0 -> your uid>], read while the child was still parked
        assertThat(written).isEqualTo(me.uid());
        assertThat(Kernel.output(checked)).isEqualTo("0\n");
    }

    @Test
    void coreEndingAWorkload() throws Exception {
        UserNamespaceLauncher sandbox = new UserNamespaceLauncher(ops, MapSetup.rootless(), Set.of(Namespace.PID));
        Process job = sandbox.start(List.of("sh", "-c", "sleep 60 & sleep 60"));
        if (!job.waitFor(1, TimeUnit.SECONDS)) {
            job.destroyForcibly();                     // pid 1 of the namespace dies, and the kernel ends the rest
        }
        int status = job.waitFor();                    // 137; nothing of the namespace is left
        assertThat(status).isEqualTo(137);
    }

    @Test
    void coreErrorHandling() throws Exception {
        Log log = new Log();
        try (ParkedProcess child = ParkedProcess.start(List.of("true"), Set.of(Namespace.USER))) {
            long pid = child.hostPid();
            MapSetup setup = MapSetup.rootless();
            ops.setupMaps(pid, setup);
            try {
                ops.setupMaps(pid, setup);
            } catch (InvalidMappingException e) {
                // nothing was written: fix the input (e.reason())
            } catch (UserNamespaceException e) {
                switch (e.errno()) {
                    case EPERM -> log.warn("{}: {}", e.getMessage(), e.hint().orElse(""));
                    case ENOENT, ESRCH -> log.info("process {} is gone", pid);
                    default -> throw e;
                }
            }
            assertThat(log.lines).singleElement().asString().startsWith("WARN user deny_setgroups failed on");
        }
    }

    // docs/host-readiness.md

    @Test
    void hostReadinessBeforeAnythingFails() {
        Log log = new Log();
        HostReadiness readiness = HostReadiness.check();
        log.info(readiness.summary());
        // user namespaces ready: 11 ok, 0 warn, 0 fail, 2 skipped
        for (HostReadiness.Finding f : readiness.findings()) {
            if (f.status() != HostReadiness.Status.OK) {
                log.warn("{} {}: {} -> {}", f.status(), f.check().key(), f.evidence(), f.fix());
            }
        }
        if (!readiness.ready()) {                               // some check FAILed
            throw new IllegalStateException(readiness.summary());
        }
        assertThat(log.lines.getFirst()).startsWith("INFO user namespaces ready: ");
    }

    // docs/subordinate-ids.md

    @Test
    void theSubordinateLayout() throws Exception {
        SubordinateIds mine = SubordinateIds.current();        // this process's effective user
        MapSetup layout = mine.rootlessSetup();                // 0 -> my uid, 1..65536 -> 100000..165535 (same for gids)
        UserNamespaceOperations ops = UserNamespaces.operations();              // AUTO strategy
        try (ParkedProcess child = ParkedProcess.start(List.of("id"), Set.of(Namespace.USER))) {
            ops.setupMaps(child.hostPid(), layout);            // deny setgroups; newuidmap; newgidmap
            Process id = child.proceed();                      // uid=0(root) gid=0(root) ...
            assertThat(new String(id.getInputStream().readAllBytes())).startsWith("uid=0(root) gid=0(root)");
            id.waitFor();
        }
    }

    // docs/isolation.md

    @Test
    void anIsolatedLauncher() throws Exception {
        assumeThat(Kernel.isRoot()).as("explicit host ranges need root").isTrue();
        Path ledger = Path.of("/run/linx-user/ledger");
        boolean hadLedger = Files.exists(ledger);
        try {
            IdPool pool = IdPool.of(IdRange.parse("1000000:1048576"), IdRange.parse("1000000:1048576"));   // root: explicit host ranges
            UserNamespaceLauncher sandboxes = UserNamespaceLauncher.builder(UserNamespaces.operations())
                    .isolated(pool, 65536)                          // 16 blocks of 65536: 16 workloads at once
                    .namespaces(Set.of(Namespace.PID))
                    .build();
            Process workload = sandboxes.start(List.of("id", "-u"));   // 0 inside; 1000000 or another block's first id outside
            assertThat(Kernel.output(workload)).isEqualTo("0\n");
            assertThat(pool.blocks(65536)).isEqualTo(16);
        } finally {
            if (!hadLedger) {
                Files.deleteIfExists(ledger);
            }
        }
    }

    // docs/prepared.md

    @Test
    void preparedSandboxes() throws Exception {
        String printed = DocSnippets.capturingStdout(() -> {
            try (UserNamespaceLauncher sandboxes = UserNamespaceLauncher.builder(UserNamespaces.operations())
                    .namespaces(Set.of(Namespace.PID, Namespace.NET))   // each sandbox: its own pid 1, no network
                    .prepared(4)                                        // four wait, namespaces made and maps written
                    .build()) {
                Process hello = sandboxes.start(List.of("sh", "-c", "echo \"pid $$ of its own namespace\""));
                System.out.print(new String(hello.getInputStream().readAllBytes()));   // pid 1 of its own namespace
                System.out.println(sandboxes.prepared().orElseThrow());  // PreparedStatus[target=4, ready=...]
                hello.waitFor();
            }   // close() kills and reaps the children still waiting
        });
        assertThat(printed).startsWith("pid 1 of its own namespace\nPreparedStatus[target=4, ready=");
    }

    /** The few methods of a logger the core.md snippet uses; records what it was given. */
    private static final class Log {
        final List<String> lines = new ArrayList<>();

        void warn(String format, Object... args) {
            lines.add("WARN " + String.format(format.replace("{}", "%s"), args));
        }

        void info(String format, Object... args) {
            lines.add("INFO " + String.format(format.replace("{}", "%s"), args));
        }
    }
}
