package dev.linx.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

/**
 * The rootless flow proven without privilege: each scenario of {@link RootlessProbe} runs in a JVM of its own as uid
 * and gid 65534 with no supplementary groups (through {@code setpriv} when this suite runs as root, or as the
 * current unprivileged user otherwise).
 */
@Tag("rootless")
class RootlessFlowTest {

    private static final long NOBODY = 65534;
    private static Path classes;

    @BeforeAll
    static void copyClassesWhereNobodyCanReadThem() throws Exception {
        // The build tree may sit under a directory uid 65534 cannot enter (e.g. /root).
        classes = Files.createTempDirectory("linx-rootless-");
        copyTree(location(UserNamespaces.class), classes.resolve("main"));
        copyTree(location(RootlessProbe.class), classes.resolve("test"));
        try (Stream<Path> all = Files.walk(classes)) {
            for (Path p : all.toList()) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
    }

    @AfterAll
    static void removeClasses() throws IOException {
        try (Stream<Path> all = Files.walk(classes)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Test
    void theProbeRunsWithoutPrivilege() throws Exception {
        List<String> lines = probe("identity");
        if (Kernel.isRoot()) {
            assertThat(lines.getFirst()).isEqualTo(NOBODY + " " + NOBODY);
        } else {
            assertThat(lines.getFirst()).isNotEqualTo("0 0");
        }
    }

    @Test
    void anUnprivilegedLauncherRunsTheWorkloadAsRootInside() throws Exception {
        assertThat(probe("launcher")).containsExactly("0 (exit 0)", "children-left 0");
    }

    @Test
    void theManualDanceDenyUidGidGivesRootInside() throws Exception {
        assertThat(probe("manual").getFirst()).startsWith("uid=0(root) gid=0(root)").endsWith("(exit 0)");
    }

    @Test
    void withoutTheSetgroupsDenyTheGidMapIsRefusedWithEperm() throws Exception {
        List<String> lines = probe("gid-without-deny");
        assertThat(lines.getFirst()).startsWith("EPERM SET_GID_MAP 1 | user set_gid_map failed on /proc/")
                .contains("/gid_map: eperm (errno 1) | ")
                .contains("| gid_map from an unprivileged process needs setgroups=deny first");
        assertThat(lines.get(1)).isEqualTo("children-left 0");
    }

    @Test
    void aMultiRangeMapWrittenDirectlyIsRefusedWithEperm() throws Exception {
        assertThat(probe("multi-range").getFirst()).startsWith("EPERM SET_UID_MAP 1 | ")
                .contains("may map only their own effective uid").endsWith("| direct");
    }

    @Test
    void aMultiRangeMapWithoutSubordinateIdsIsRefusedByTheHelperUnderAuto() throws Exception {
        // 65534 has no line in /etc/subuid: AUTO hands the range to newuidmap, which refuses it.
        assumeThat(Files.isExecutable(Path.of("/usr/bin/newuidmap"))).as("newuidmap installed").isTrue();
        assertThat(probe("multi-range-auto").getFirst()).startsWith("EPERM SET_UID_MAP 1 | ")
                .contains("newuidmap maps only the caller's own uid").endsWith("| helper 1");
    }

    @Test
    void mappingAnotherUsersIdIsRefusedAndTheChildIsReaped() throws Exception {
        List<String> lines = probe("other-uid");
        assertThat(lines.getFirst()).startsWith("EPERM SET_UID_MAP 1 | ");
        assertThat(lines.get(1)).isEqualTo("children-left 0");
    }

    @Test
    void aHelperThatFailsBeforeTheCheckpointIsReportedAndLeavesNothingBehind() throws Exception {
        // Without CAP_SETUID, setpriv cannot take another host identity: the helper exits before readiness.
        List<String> lines = probe("host-identity");
        assertThat(lines.getFirst()).startsWith("helper-failed the namespace helper failed before the checkpoint")
                .contains("exit status");
        assertThat(lines.get(1)).isEqualTo("children-left 0");
    }

    private static List<String> probe(String scenario) throws Exception {
        List<String> command = new ArrayList<>();
        if (Kernel.isRoot()) {
            command.addAll(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups"));
        }
        command.addAll(List.of(ProcessHandle.current().info().command().orElseThrow(), "-XX:-UsePerfData",
                "--enable-native-access=ALL-UNNAMED", "-cp", classes.resolve("main") + ":" + classes.resolve("test"),
                RootlessProbe.class.getName(), scenario));
        Process probe = new ProcessBuilder(command).directory(classes.toFile()).start();
        String out = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(probe.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(probe.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(probe.exitValue()).as("probe exit; stderr:\n" + err).isZero();
        return out.lines().toList();
    }

    private static Path location(Class<?> type) throws URISyntaxException {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            all.forEach(source -> {
                try {
                    Files.copy(source, to.resolve(from.relativize(source).toString()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
