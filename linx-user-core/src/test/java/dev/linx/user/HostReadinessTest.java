package dev.linx.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.linx.user.HostReadiness.Check;
import dev.linx.user.HostReadiness.Finding;
import dev.linx.user.HostReadiness.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The readiness report, driven for real where this machine allows: this JVM in the initial namespace, a probe JVM in a
 * wrapping user namespace whose own {@code user.max_user_namespaces} is lowered to 0, real users with and without
 * subordinate ranges. Knobs this kernel lacks (Debian's, Ubuntu's AppArmor one) come from a fake root directory.
 */
class HostReadinessTest {

    private static final long NOBODY = 65534;
    @RegisterExtension
    static final ProbeJvm.Copied jvm = new ProbeJvm.Copied();

    /** The probe's lines for one finding: {@code key status | evidence | fix}. */
    private static String line(List<String> lines, Check check) {
        return lines.stream().filter(l -> l.startsWith(check.key() + " ")).findFirst().orElseThrow();
    }

    @Nested
    class OnThisHost {

        private final HostReadiness readiness = HostReadiness.check();

        @Test
        void thereIsOneFindingPerCheckInTheOrderOfTheChecks() {
            assertThat(readiness.findings()).extracting(Finding::check).containsExactly(Check.values());
        }

        @Test
        void userNamespacesAreSupported() {
            assertThat(readiness.finding(Check.USER_NAMESPACES).status()).isEqualTo(Status.OK);
        }

        @Test
        void theMaxUserNamespacesEvidenceIsTheKnobsValue() {
            // Compared with the value in the evidence, not a second read: other processes may change the knob.
            Finding f = readiness.finding(Check.MAX_USER_NAMESPACES);
            assertThat(f.evidence()).matches("/proc/sys/user/max_user_namespaces = \\d+.*");
            boolean zero = f.evidence().startsWith("/proc/sys/user/max_user_namespaces = 0:");
            assertThat(f.status()).isEqualTo(zero ? Status.FAIL : Status.OK);
        }

        @Test
        void aKnobThisKernelLacksIsSkipped() {
            assumeThat(Path.of("/proc/sys/kernel/apparmor_restrict_unprivileged_userns")).doesNotExist();
            Finding f = readiness.finding(Check.APPARMOR_RESTRICT_UNPRIVILEGED_USERNS);
            assertThat(f.status()).isEqualTo(Status.SKIPPED);
            assertThat(f.evidence()).contains("does not exist");
        }

        @Test
        void theTestJvmSitsInTheInitialNamespaceAtDepthZero() {
            assumeThat(Kernel.namespace(ProcessHandle.current().pid(), "user")).isEqualTo("user:[4026531837]");
            Finding f = readiness.finding(Check.NESTING);
            assertThat(f.status()).isEqualTo(Status.OK);
            assertThat(f.evidence()).contains("user:[4026531837]").contains("depth 0").contains("[0 0 4294967295]");
        }

        @Test
        void anInstalledSetuidHelperIsOk() {
            assumeThat(Path.of("/usr/bin/newuidmap")).isExecutable();
            Finding f = readiness.finding(Check.NEWUIDMAP);
            assertThat(f.status()).isEqualTo(Status.OK);
            assertThat(f.evidence()).contains("newuidmap: setuid root (mode 4755)");
        }

        @Test
        void unshareIsFoundWhereALaunchRunsIt() {
            Finding f = readiness.finding(Check.UNSHARE);
            assertThat(f.status()).isEqualTo(Status.OK);
            assertThat(f.evidence()).matches("/.*/unshare is installed");
        }

        @Test
        void setprivIsFoundWhereALaunchRunsIt() {
            Finding f = readiness.finding(Check.SETPRIV);
            assertThat(f.status()).isEqualTo(Status.OK);
            assertThat(f.evidence()).matches("/.*/setpriv is installed");
        }

        @Test
        void aThreadWithoutSeccompIsReportedAsMode0() {
            assumeThat(Kernel.field(ProcessHandle.current().pid(), "Seccomp")).as("the test JVM runs without seccomp").isEqualTo("0");
            Finding f = readiness.finding(Check.SECCOMP);
            assertThat(f.status()).isEqualTo(Status.OK);
            assertThat(f.evidence()).startsWith("Seccomp: 0 (disabled)")
                    .endsWith(" in /proc/thread-self/status: no seccomp filter");
        }

        @Test
        void theTestJvmsOwnIdsAreMapped() {
            Finding f = readiness.finding(Check.IDENTITY);
            assertThat(f.status()).isEqualTo(Status.OK);
            String[] uid = Kernel.field(ProcessHandle.current().pid(), "Uid").split("\\s+");
            String[] gid = Kernel.field(ProcessHandle.current().pid(), "Gid").split("\\s+");
            assertThat(f.evidence()).isEqualTo("effective uid " + uid[1] + " and gid " + gid[1]
                    + " are mapped in this user namespace");
        }

        @Test
        void theSummaryCountsTheFindings() {
            assertThat(readiness.summary()).startsWith(readiness.ready() ? "user namespaces ready: "
                    : "user namespaces NOT ready: ").contains(" ok, ").contains(" skipped");
        }
    }

    @Nested
    class InAWrappingNamespace {

        private static final List<String> WRAP = List.of("unshare", "--user", "--map-root-user");
        private static final List<String> WRAP_LOWERED = List.of("unshare", "--user", "--map-root-user", "sh", "-c",
                "echo 0 > /proc/sys/user/max_user_namespaces && exec \"$@\"", "sh");

        @Test
        void aLoweredMaxUserNamespacesFailsTheReport() throws Exception {
            List<String> lines = jvm.run(WRAP_LOWERED, SubordinateProbe.class, "readiness");
            assertThat(line(lines, Check.MAX_USER_NAMESPACES))
                    .startsWith("max_user_namespaces fail | /proc/sys/user/max_user_namespaces = 0: no new user")
                    .contains("| sysctl -w user.max_user_namespaces=");
            assertThat(lines).contains("ready false");
            assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("summary user namespaces NOT ready: ")
                    .contains("fail: max_user_namespaces"));
        }

        @Test
        void aMultiDigitMaxUserNamespacesIsReportedWhole() throws Exception {
            List<String> lines = jvm.run(List.of("unshare", "--user", "--map-root-user", "sh", "-c",
                    "echo 12345 > /proc/sys/user/max_user_namespaces && exec \"$@\"", "sh"),
                    SubordinateProbe.class, "readiness");
            assertThat(line(lines, Check.MAX_USER_NAMESPACES))
                    .isEqualTo("max_user_namespaces ok | /proc/sys/user/max_user_namespaces = 12345 | ");
        }

        @Test
        void theFailureTheReportPredictsIsTheOneParkingMeets() throws Exception {
            assertThat(jvm.run(WRAP_LOWERED, SubordinateProbe.class, "park").getFirst())
                    .startsWith("park-failed").contains("No space left on device");
        }

        /** {@code unshare --user} with no map written: the JVM's own uid and gid are unmapped, read as 65534. */
        private static final List<String> WRAP_UNMAPPED = List.of("unshare", "--user");

        @Test
        void aJvmWhoseOwnIdsAreUnmappedFailsTheReportNamingTheCauseAndTheFix() throws Exception {
            List<String> lines = jvm.run(WRAP_UNMAPPED, SubordinateProbe.class, "readiness");
            assertThat(line(lines, Check.IDENTITY)).startsWith("identity fail | the effective uid 65534 and gid 65534"
                    + " of this process have no mapping in its user namespace (they read as the overflow id; uid_map"
                    + " [], gid_map []): the kernel creates no user namespace for such a process (EPERM) | run the"
                    + " process as a uid and gid that its user namespace maps");
            assertThat(lines).contains("ready false");
        }

        @Test
        void theFailureTheReportPredictsForAnUnmappedJvmIsTheTypedCauseParkingMeets() throws Exception {
            List<String> lines = jvm.run(WRAP_UNMAPPED, PodProbe.class, "park");
            assertThat(lines).contains("cause UnmappedIdentityException", "unmapped uid true gid true",
                    "children-left 0");
        }

        @Test
        void aNestedProcessIsReportedAsNested() throws Exception {
            List<String> lines = jvm.run(WRAP, SubordinateProbe.class, "readiness");
            assertThat(line(lines, Check.NESTING)).startsWith("nesting warn | /proc/self/ns/user -> user:[")
                    .contains("uid_map [0 0 1]").contains("a nested user namespace, depth 1 or more");
            assertThat(line(lines, Check.MAX_USER_NAMESPACES)).startsWith("max_user_namespaces ok");
        }
    }

    /** A helper hidden by {@code /dev/null} bound over it in the probe's own mount namespace. */
    @Nested
    class WithAHelperHidden {

        private static List<String> hiding(String helper) {
            return List.of("unshare", "--mount", "sh", "-c", "mount --bind /dev/null /usr/bin/" + helper
                    + " && exec \"$@\"", "sh");
        }

        @Test
        void noUnshareFailsTheReport() throws Exception {
            List<String> lines = jvm.run(hiding("unshare"), SubordinateProbe.class, "readiness");
            assertThat(line(lines, Check.UNSHARE)).startsWith("unshare fail | unshare is not installed (not on the"
                    + " PATH nor in /usr/bin:/bin:/usr/sbin:/sbin): no child can be started in new namespaces")
                    .endsWith("| install util-linux (Debian/Ubuntu: apt-get install util-linux)");
            assertThat(lines).contains("ready false");
        }

        @Test
        void noSetprivOnlyWarnsAndNamesTheLaunchesThatNeedIt() throws Exception {
            List<String> lines = jvm.run(hiding("setpriv"), SubordinateProbe.class, "readiness");
            assertThat(line(lines, Check.SETPRIV)).startsWith("setpriv warn | setpriv is not installed")
                    .contains("hostIdentity").contains("subordinate-id layout")
                    .endsWith("| install util-linux, which ships setpriv");
            assertThat(line(lines, Check.UNSHARE)).startsWith("unshare ok");
            assertThat(lines).contains("ready true");
        }
    }

    @Nested
    class ForUsers {

        @Test
        void aUserWithoutSubordinateIdsIsWarnedWithTheCommandToAddThem() throws Exception {
            assumeThat(Kernel.isRoot()).isTrue();
            List<String> lines = jvm.run(ProbeJvm.as(NOBODY, NOBODY), SubordinateProbe.class, "readiness");
            assertThat(line(lines, Check.SUBUID)).startsWith("subuid warn | no range for nobody (65534) in /etc/subuid")
                    .endsWith("| usermod --add-subuids 100000-165535 nobody");
            assertThat(lines).contains("ready true");
        }

        @Test
        void aRangeContainingTheUsersOwnUidIsNamed() throws Exception {
            assumeThat(Kernel.isRoot()).isTrue();
            try (TestUser user = TestUser.create("linx-overlap-test", 47_111, "47000:1000")) {
                List<String> lines = jvm.run(user.as(), SubordinateProbe.class, "readiness");
                assertThat(line(lines, Check.SUBUID)).startsWith("subuid warn | linx-overlap-test (47111) in"
                        + " /etc/subuid: 47000..47999 (1000 ids); range 47000..47999 contains the own uid 47111");
                assertThat(line(lines, Check.SUBGID)).contains("contains the own gid 47111");
            }
        }

        @Test
        void anUnreadableSubuidFileIsAWarningNamingTheFileAndTheOtherFindingsStillCome(@TempDir Path dir)
                throws Exception {
            assumeThat(Kernel.isRoot()).isTrue();
            // Mode 0600, owned by root: the setuid helper reads it, uid 65534 cannot.
            Path subuid = Files.writeString(dir.resolve("subuid"), "nobody:100000:65536\n");
            Files.setPosixFilePermissions(subuid, PosixFilePermissions.fromString("rw-------"));
            List<String> prefix = new ArrayList<>(ProbeJvm.withFileOver(subuid, Path.of("/etc/subuid")));
            prefix.addAll(ProbeJvm.as(NOBODY, NOBODY));
            List<String> lines = jvm.run(prefix, SubordinateProbe.class, "readiness");
            assertThat(line(lines, Check.SUBUID)).isEqualTo("subuid warn | /etc/subuid cannot be read by this process"
                    + " (permission denied, mode 600): the ranges of nobody (65534) are unknown here, and"
                    + " SubordinateIds cannot read them (newuidmap, setuid root, still can)"
                    + " | chmod 644 /etc/subuid (shadow ships it readable by all: it holds no secret)");
            assertThat(line(lines, Check.SUBGID)).startsWith("subgid warn | no range for nobody (65534) in /etc/subgid");
            for (Check check : Check.values()) {
                assertThat(lines).anySatisfy(l -> assertThat(l).startsWith(check.key() + " "));
            }
            assertThat(lines).contains("ready true");
        }

        @Test
        void aRootProcessNeedsNoSubordinateIds() {
            assumeThat(Kernel.isRoot()).isTrue();
            assumeThat(SubordinateIds.current().uids()).isEmpty();
            Finding f = HostReadiness.check().finding(Check.SUBUID);
            assertThat(f.status()).isEqualTo(Status.OK);
            assertThat(f.evidence()).endsWith("not needed: this process maps any ids directly");
        }
    }

    /**
     * Knobs this kernel does not have, and helper copies, written into a fake root directory that the checks read
     * instead of /.
     */
    @Nested
    class WithAFakeProcSysRoot {

        private Path fakeRoot(String knob, String value) throws Exception {
            Path root = Files.createTempDirectory("linx-fake-root-");
            Path file = root.resolve("proc/sys/kernel").resolve(knob);
            Files.createDirectories(file.getParent());
            Files.writeString(file, value + "\n");
            try (Stream<Path> all = Files.walk(root)) {
                for (Path p : all.toList()) {
                    Files.setPosixFilePermissions(p,
                            PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
                }
            }
            roots.add(root);
            return root;
        }

        private final List<Path> roots = new ArrayList<>();

        @org.junit.jupiter.api.AfterEach
        void removeRoots() throws Exception {
            for (Path root : roots) {
                try (Stream<Path> all = Files.walk(root)) {
                    for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
        }

        private List<String> asNobody(Path root) throws Exception {
            assumeThat(Kernel.isRoot()).isTrue();
            return jvm.run(ProbeJvm.as(NOBODY, NOBODY), SubordinateProbe.class, "readiness", root.toString());
        }

        @Test
        void debiansCloneKnobAtZeroFailsAnUnprivilegedProcess() throws Exception {
            List<String> lines = asNobody(fakeRoot("unprivileged_userns_clone", "0"));
            assertThat(line(lines, Check.UNPRIVILEGED_USERNS_CLONE)).startsWith("unprivileged_userns_clone fail | ")
                    .contains("/proc/sys/kernel/unprivileged_userns_clone = 0: unprivileged processes may not create")
                    .endsWith("| sysctl -w kernel.unprivileged_userns_clone=1");
            assertThat(lines).contains("ready false");
        }

        @Test
        void debiansCloneKnobAtZeroOnlyWarnsAPrivilegedProcess() throws Exception {
            assumeThat(Kernel.isRoot()).isTrue();
            Finding f = HostReadiness.check(fakeRoot("unprivileged_userns_clone", "0"))
                    .finding(Check.UNPRIVILEGED_USERNS_CLONE);
            assertThat(f.status()).isEqualTo(Status.WARN);
        }

        @Test
        void debiansCloneKnobAtOneIsOk() throws Exception {
            Finding f = HostReadiness.check(fakeRoot("unprivileged_userns_clone", "1"))
                    .finding(Check.UNPRIVILEGED_USERNS_CLONE);
            assertThat(f.status()).isEqualTo(Status.OK);
        }

        @Test
        void ubuntusAppArmorRestrictionFailsAnUnprivilegedProcessAndSaysMapWritesFail() throws Exception {
            List<String> lines = asNobody(fakeRoot("apparmor_restrict_unprivileged_userns", "1"));
            assertThat(line(lines, Check.APPARMOR_RESTRICT_UNPRIVILEGED_USERNS))
                    .startsWith("apparmor_restrict_unprivileged_userns fail | ")
                    .contains("= 1: an unprivileged user namespace is created, but without capabilities in it, so"
                            + " writing its maps then fails with EPERM")
                    .contains("'userns,'");
        }

        /** A copy of the real newuidmap in the fake root: no setuid bit (copies never keep it). */
        private Path helperCopy(Path root) throws Exception {
            assumeThat(Path.of("/usr/bin/newuidmap")).isExecutable();
            Path copy = root.resolve("usr/bin/newuidmap");
            Files.createDirectories(copy.getParent());
            Files.copy(Path.of("/usr/bin/newuidmap"), copy);
            for (Path p : List.of(root.resolve("usr"), root.resolve("usr/bin"), copy)) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            return copy;
        }

        @Test
        void aHelperWithFileCapabilitiesInsteadOfSetuidIsRecognised() throws Exception {
            assumeThat(Kernel.isRoot()).isTrue();
            assumeThat(Path.of("/usr/sbin/setcap")).isExecutable();
            Path root = fakeRoot("unprivileged_userns_clone", "1");
            Path copy = helperCopy(root);
            Process setcap = new ProcessBuilder("/usr/sbin/setcap", "cap_setuid+ep", copy.toString()).inheritIO().start();
            assertThat(setcap.waitFor()).isZero();
            Finding f = HostReadiness.check(root).finding(Check.NEWUIDMAP);
            assertThat(f.status()).isEqualTo(Status.OK);
            assertThat(f.evidence()).isEqualTo(copy + ": file capabilities (security.capability, 20 bytes)");
        }

        @Test
        void aHelperWithNeitherSetuidNorCapabilitiesWarnsAnUnprivilegedProcess() throws Exception {
            Path root = fakeRoot("unprivileged_userns_clone", "1");
            Path copy = helperCopy(root);
            assertThat(line(asNobody(root), Check.NEWUIDMAP)).isEqualTo("newuidmap warn | " + copy + " has neither"
                    + " setuid root nor file capabilities: it cannot write maps | chmod u+s " + copy
                    + " (owned by root), or setcap cap_setuid+ep " + copy);
        }

        /** A fake {@code /proc/thread-self/status}: strict mode cannot be provoked for real, a JVM dies in it. */
        private Path fakeThreadStatus(String lines) throws Exception {
            Path root = fakeRoot("unprivileged_userns_clone", "1");
            Path status = root.resolve("proc/thread-self/status");
            Files.createDirectories(status.getParent());
            Files.writeString(status, "Name:\tjava\n" + lines);
            return root;
        }

        @Test
        void aFakeStatusInSeccompStrictModeFailsTheReport() throws Exception {
            Path root = fakeThreadStatus("Seccomp:\t1\nSeccomp_filters:\t0\n");
            Finding f = HostReadiness.check(root).finding(Check.SECCOMP);
            assertThat(f.status()).isEqualTo(Status.FAIL);
            assertThat(f.evidence()).isEqualTo("Seccomp: 1 (strict), Seccomp_filters: 0 in " + root
                    + "/proc/thread-self/status: strict mode allows only read, write, exit and sigreturn");
        }

        @Test
        void aFakeStatusWithoutASeccompLineIsSkipped() throws Exception {
            Path root = fakeThreadStatus("Uid:\t0\t0\t0\t0\n");
            Finding f = HostReadiness.check(root).finding(Check.SECCOMP);
            assertThat(f.status()).isEqualTo(Status.SKIPPED);
            assertThat(f.evidence()).endsWith("/proc/thread-self/status has no Seccomp: line (a kernel without"
                    + " seccomp)");
        }

        @Test
        void aHostWithoutTheHelpersWarnsAnUnprivilegedProcess() throws Exception {
            List<String> lines = asNobody(fakeRoot("unprivileged_userns_clone", "1"));
            assertThat(line(lines, Check.NEWUIDMAP)).isEqualTo("newuidmap warn | newuidmap is not installed: an"
                    + " unprivileged process can map only its own id | install it (Debian/Ubuntu: apt-get install uidmap)");
        }
    }

    @Test
    void readyMeansNoFailureAndTheSummaryNamesWhatFailedAndWarned() {
        HostReadiness readiness = new HostReadiness(List.of(
                new Finding(Check.USER_NAMESPACES, Status.OK, "e", ""),
                new Finding(Check.MAX_USER_NAMESPACES, Status.FAIL, "e", "f"),
                new Finding(Check.SUBUID, Status.WARN, "e", "f"),
                new Finding(Check.APPARMOR_RESTRICT_UNPRIVILEGED_USERNS, Status.SKIPPED, "e", null)));
        assertThat(readiness.ready()).isFalse();
        assertThat(readiness.summary()).isEqualTo("user namespaces NOT ready: 1 ok, 1 warn, 1 fail, 1 skipped;"
                + " fail: max_user_namespaces; warn: subuid");
        assertThat(readiness.findings().get(3).fix()).isEmpty();
    }
}
