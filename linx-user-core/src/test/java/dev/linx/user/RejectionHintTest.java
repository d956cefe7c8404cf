package dev.linx.user;

import static dev.linx.user.Expect.rejection;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.linx.user.internal.sys.Credentials;
import dev.linx.user.internal.sys.ThreadCapabilities;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each hint against a real rejection, named by the rule it states (docs/errors.md lists them). The unprivileged rules
 * are proven in {@link RootlessFlowTest} and {@link SubordinateMappingTest}; the AppArmor one, whose knob this kernel
 * lacks, in {@code internal.procfs.RejectionHintsFakeKnobTest}.
 */
class RejectionHintTest {

    private static final long DEAD_PID = 9_999_999;
    @RegisterExtension
    static final ProbeJvm.Copied jvm = new ProbeJvm.Copied();

    private final UserNamespaceOperations ops = UserNamespaces.operations();
    private final List<ParkedProcess> children = new ArrayList<>();

    @AfterEach
    void closeChildren() {
        children.forEach(ParkedProcess::close);
        Kernel.assertNoChildLeft();
    }

    private long parked() {
        ParkedProcess child = ParkedProcess.start(List.of("true"), Set.of(Namespace.USER));
        children.add(child);
        return child.hostPid();
    }

    @Test
    void aSecondUidMapWriteNamesTheWriteOnceRule() {
        long pid = parked();
        ops.setUidMap(pid, MapSetup.rootless().uid());
        UserNamespaceException e = rejection(() -> ops.setUidMap(pid, MapSetup.rootless().uid()));
        assertThat(e.hint()).hasValueSatisfying(h -> assertThat(h)
                .startsWith("map already written: uid_map is write-once per namespace"));
    }

    @Test
    void aSecondGidMapWriteNamesTheWriteOnceRule() {
        long pid = parked();
        ops.denySetgroups(pid);
        ops.setGidMap(pid, MapSetup.rootless().gid());
        UserNamespaceException e = rejection(() -> ops.setGidMap(pid, MapSetup.rootless().gid()));
        assertThat(e.hint()).hasValueSatisfying(h -> assertThat(h).startsWith("map already written: gid_map is write-once"));
    }

    @Test
    void denyingSetgroupsAfterTheGidMapNamesTheOrderRule() {
        long pid = parked();
        ops.setGidMap(pid, MapSetup.rootless().gid());
        UserNamespaceException e = rejection(() -> ops.denySetgroups(pid));
        assertThat(e.hint()).hasValueSatisfying(h -> assertThat(h)
                .startsWith("setgroups can be denied only before gid_map is written"));
    }

    @Test
    void aGoneProcessNamesTheExistenceRule() {
        UserNamespaceException e = rejection(() -> ops.setUidMap(DEAD_PID, MapSetup.rootless().uid()));
        assertThat(e.errno()).isEqualTo(Errno.ENOENT);
        assertThat(e.hint()).hasValueSatisfying(h -> assertThat(h).startsWith("the target process must exist"));
    }

    @Test
    void mappingHostRootWithoutCapSetfcapNamesThatCapability() throws Exception {
        assumeThat(Kernel.isRoot()).isTrue();
        // Root, but with CAP_SETFCAP gone from the bounding set and so from the probe JVM's capabilities.
        List<String> lines = jvm.run(List.of("setpriv", "--bounding-set=-setfcap", "--inh-caps=-setfcap"),
                HintProbe.class, "map-host-root");
        assertThat(lines.getFirst()).isEqualTo("EPERM SET_UID_MAP | mapping host uid 0 needs CAP_SETFCAP over the"
                + " parent namespace: map another host uid, or keep CAP_SETFCAP");
    }

    @Test
    void aThreadWithoutCapSetuidInAProcessThatHasItIsToldTheUnprivilegedRule() throws Exception {
        assumeThat(Kernel.isRoot()).isTrue();
        long pid = parked();
        AtomicReference<UserNamespaceException> refused = new AtomicReference<>();
        Thread writer = Thread.ofPlatform().start(() -> {
            ThreadCapabilities.dropEffective(Credentials.CAP_SETUID);
            refused.set(rejection(() -> UserNamespaces.operations(MappingStrategy.DIRECT)
                    .setUidMap(pid, List.of(IdMapping.of(0, 100_000, 65_536)))));
        });
        writer.join();

        assertThat(refused.get().errno()).isEqualTo(Errno.EPERM);
        assertThat(refused.get().hint()).hasValueSatisfying(h -> assertThat(h)
                .startsWith("unprivileged writers may map only their own effective uid (0), length 1"));
    }

    @Test
    void anOutsideIdTheWritersNamespaceLacksNamesTheMappedIdsRule() throws Exception {
        // Root in a wrapping namespace that maps only its uid 0: host uid 1000 does not exist there.
        List<String> lines = jvm.run(List.of("unshare", "--user", "--map-root-user"), HintProbe.class, "map-unmapped");
        assertThat(lines.getFirst()).startsWith("EPERM SET_UID_MAP | outside ids must be mapped in the writer's own"
                + " namespace");
    }

    @Test
    void anotherUsersChildNamesTheOpenRule() throws Exception {
        assumeThat(Kernel.isRoot()).isTrue();
        long pid = parked();
        List<String> lines = jvm.run(ProbeJvm.as(65534, 65534), HintProbe.class, "write-uid-map", Long.toString(pid));
        assertThat(lines.getFirst()).startsWith("EACCES SET_UID_MAP | only the target's own user, or a process"
                + " privileged over it, may open its map files");
    }

    @Test
    void readingAnotherUsersProcessUnderHidepidNamesTheProcfsOption() throws Exception {
        assumeThat(Kernel.isRoot()).isTrue();
        List<String> lines = jvm.run(withProcMountedAs("hidepid=1"), HintProbe.class, "read-uid-map", "1");
        assertThat(lines.getFirst()).startsWith("EPERM READ_UID_MAP | /proc hides other users' processes");
    }

    @Test
    void anInvisibleProcessReadsAsGone() throws Exception {
        assumeThat(Kernel.isRoot()).isTrue();
        List<String> lines = jvm.run(withProcMountedAs("hidepid=2"), HintProbe.class, "read-uid-map", "1");
        assertThat(lines.getFirst()).startsWith("ENOENT READ_UID_MAP | the target process must exist");
    }

    @Test
    void aHelperRefusalWhenTheCallerCannotReadSubuidNamesTheHelpersOwnMessage(@TempDir Path dir) throws Exception {
        assumeThat(Kernel.isRoot()).isTrue();
        assumeThat(Path.of("/usr/bin/newuidmap")).isExecutable();
        // Mode 0600, owned by root: the setuid helper reads it, uid 65534 cannot.
        Path subuid = Files.writeString(dir.resolve("subuid"), "nobody:100000:65536\n");
        Files.setPosixFilePermissions(subuid, PosixFilePermissions.fromString("rw-------"));
        List<String> prefix = new ArrayList<>(ProbeJvm.withFileOver(subuid, Path.of("/etc/subuid")));
        prefix.addAll(ProbeJvm.as(65534, 65534));
        List<String> lines = jvm.run(prefix, HintProbe.class, "helper-beyond-range");
        assertThat(lines.getFirst()).isEqualTo("EPERM SET_UID_MAP | newuidmap writes only into a namespace owned by"
                + " the caller's user, for a live process: its message above names the rule it applied");
    }

    /**
     * Runs the probe as uid 65534 with a /proc of its own, mounted with the given options in a private mount namespace:
     * a new procfs instance, so the host's /proc keeps its options.
     */
    private static List<String> withProcMountedAs(String options) {
        List<String> prefix = new ArrayList<>(List.of("unshare", "--mount", "--propagation", "private", "sh", "-c",
                "mount -t proc -o " + options + " proc /proc && exec \"$@\"", "sh"));
        prefix.addAll(ProbeJvm.as(65534, 65534));
        return prefix;
    }
}
