package dev.linx.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Subordinate-id maps for real: an unprivileged user with ranges in /etc/subuid and /etc/subgid, created for this
 * class, maps through newuidmap/newgidmap in a JVM of its own. Needs root (to create the user) and the uidmap package.
 */
class SubordinateMappingTest {

    private static final long UID = 47_110;
    private static final long SUB_START = 300_000;
    private static TestUser user;
    @RegisterExtension
    static final ProbeJvm.Copied jvm = new ProbeJvm.Copied();

    @BeforeAll
    static void createUser() throws Exception {
        assumeThat(Kernel.isRoot()).as("creating a test user needs root").isTrue();
        assumeThat(Path.of("/usr/bin/newuidmap")).as("uidmap installed (.ci/run installs it)").isExecutable();
        user = TestUser.create("linx-subid-test", UID, SUB_START + ":65536");
    }

    @AfterAll
    static void removeUser() throws Exception {
        if (user != null) {
            user.close();
        }
    }

    private static List<String> probe(String... args) throws Exception {
        List<String> lines = jvm.run(user.as(), SubordinateProbe.class, args);
        assertThat(lines.getLast()).isEqualTo("children-left 0");
        return lines;
    }

    @Test
    void anUnprivilegedUserGetsA65536IdMapThroughTheHelpers() throws Exception {
        List<String> lines = probe("layout");
        assertThat(lines).contains(
                "uid_map [IdMapping<0 -> " + UID + ">, IdMapping<1..65536 -> 300000..365535>]",
                "gid_map [IdMapping<0 -> " + UID + ">, IdMapping<1..65536 -> 300000..365535>]");
    }

    @Test
    void uid1000InsideIsSubordinateStartPlus999Outside() throws Exception {
        List<String> lines = probe("layout");
        assertThat(lines).contains("inside 1000 1000", "outside " + (SUB_START + 999) + " " + (SUB_START + 999));
    }

    @Test
    void theLauncherRunsAWorkloadAsRootInsideWithTheWholeLayout() throws Exception {
        assertThat(probe("launcher")).contains("exit 0", "launched 0", "launched 0 " + UID + " 1",
                "launched 1 300000 65536");
    }

    @Test
    void theLauncherGivesRootInsideEvenWhenRootIsASubordinateIdTheJvmCannotBecome() throws Exception {
        // uid 0, gid 0, and root's full capability set in its namespace (every capability this kernel knows), with no
        // inheritable or ambient capability left from the switch: as a child that was root from the start.
        int lastCap = Integer.parseInt(java.nio.file.Files.readAllLines(java.nio.file.Path.of(
                "/proc/sys/kernel/cap_last_cap")).getFirst().strip());
        String allCaps = String.format("%016x", (1L << (lastCap + 1)) - 1);
        assertThat(probe("launcher-root-on-subordinate")).contains("exit 0").containsSequence("launched 0",
                "launched 0", "launched CapInh: 0000000000000000", "launched CapEff: " + allCaps,
                "launched CapAmb: 0000000000000000");
    }

    @Test
    void aPreparedChildGivesRootInsideWhenRootIsASubordinateIdTheJvmCannotBecome() throws Exception {
        int lastCap = Integer.parseInt(java.nio.file.Files.readAllLines(java.nio.file.Path.of(
                "/proc/sys/kernel/cap_last_cap")).getFirst().strip());
        String allCaps = String.format("%016x", (1L << (lastCap + 1)) - 1);
        assertThat(probe("launcher-root-on-subordinate-prepared")).contains("prepared HIT", "exit 0").containsSequence(
                "launched 0", "launched 0", "launched CapInh: 0000000000000000", "launched CapEff: " + allCaps,
                "launched CapAmb: 0000000000000000");
    }

    @Test
    void aLauncherWhoseMapsLeaveRootUnmappedGivesItsWorkloadNoCapability() throws Exception {
        assertThat(probe("launcher-without-root-inside")).contains("exit 0").containsSequence("launched 1",
                "launched CapEff: 0000000000000000", "launched CapAmb: 0000000000000000");
    }

    @Test
    void aHelperRefusalIsTheStructuredExceptionWithExitStatusAndMessage() throws Exception {
        List<String> lines = probe("helper-beyond-range");
        assertThat(lines).contains("errno EPERM SET_UID_MAP");
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("message user set_uid_map failed on /proc/")
                .endsWith("/uid_map: eperm (errno 1)"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("helper ").contains("newuidmap 1 ")
                .contains("not allowed"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("hint newuidmap maps only the caller's own uid")
                .contains("300000..365535").contains("900000..900009"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("toString ").contains("exited with status 1")
                .contains("(hint: newuidmap maps only"));
    }

    @Test
    void theDirectStrategyLeavesARangeToTheKernelWhichRefusesIt() throws Exception {
        List<String> lines = probe("direct-range");
        assertThat(lines).contains("errno EPERM SET_UID_MAP", "helper none");
        assertThat(lines).anySatisfy(l -> assertThat(l)
                .startsWith("hint unprivileged writers may map only their own effective uid (" + UID + "), length 1:"
                        + " use newuidmap for ranges"));
    }

    @Test
    void withTheHelperAndDenyPolicySetgroupsIsDenied() throws Exception {
        assertThat(probe("setgroups", "deny")).contains("setgroups DENY");
    }

    @Test
    void withTheHelperAndSkipPolicyARangedGidMapLeavesSetgroupsAllowed() throws Exception {
        assertThat(probe("setgroups", "skip")).contains("setgroups ALLOW");
    }

    @Test
    void newgidmapDeniesSetgroupsItselfWhenItMapsOnlyTheOwnGid() throws Exception {
        assertThat(probe("own-gid-helper")).contains("before ALLOW", "after DENY");
    }

    @Test
    void aLayoutLeavesOutTheLinesTheHelpersReadDifferentlyAndTheHelpersAcceptTheRest(@TempDir Path dir)
            throws Exception {
        // For uid and gid 65534: a CRLF line end and a leading blank make newuidmap skip the line; 0400000 is octal
        // 131072 to it. Only the last line means the same to both.
        Path file = Files.writeString(dir.resolve("subids"),
                "nobody:300000:10\r\nnobody:0400000:10\n nobody:500000:10\nnobody:600000:10\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        List<String> prefix = new ArrayList<>(ProbeJvm.withFileOver(file, Path.of("/etc/subuid")));
        prefix.addAll(ProbeJvm.withFileOver(file, Path.of("/etc/subgid")));
        prefix.addAll(ProbeJvm.as(65534, 65534));
        List<String> lines = jvm.run(prefix, SubordinateProbe.class, "helper-layout");
        assertThat(lines).containsSubsequence(
                "layout uid [IdMapping<0 -> 65534>, IdMapping<1..10 -> 600000..600009>]",
                "layout gid [IdMapping<0 -> 65534>, IdMapping<1..10 -> 600000..600009>]",
                "uid_map [IdMapping<0 -> 65534>, IdMapping<1..10 -> 600000..600009>]",
                "gid_map [IdMapping<0 -> 65534>, IdMapping<1..10 -> 600000..600009>]");
        assertThat(lines.getLast()).isEqualTo("children-left 0");
    }

    @Test
    void aFileThatIsNotValidUtf8IsReadAsTheHelpersReadItAndTheyAcceptTheLayout(@TempDir Path dir) throws Exception {
        // A Latin-1 name (0xE9) and a lone continuation byte (0x80): not UTF-8, yet newuidmap reads the file.
        Path file = dir.resolve("subids");
        Files.write(file, "jos\u00e9:400000:10\n# caf\u0080\nnobody:600000:10\n"
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        List<String> prefix = new ArrayList<>(ProbeJvm.withFileOver(file, Path.of("/etc/subuid")));
        prefix.addAll(ProbeJvm.withFileOver(file, Path.of("/etc/subgid")));
        prefix.addAll(ProbeJvm.as(65534, 65534));
        List<String> lines = jvm.run(prefix, SubordinateProbe.class, "helper-layout");
        assertThat(lines).containsSubsequence(
                "layout uid [IdMapping<0 -> 65534>, IdMapping<1..10 -> 600000..600009>]",
                "uid_map [IdMapping<0 -> 65534>, IdMapping<1..10 -> 600000..600009>]",
                "gid_map [IdMapping<0 -> 65534>, IdMapping<1..10 -> 600000..600009>]");
        List<String> readiness = jvm.run(prefix, SubordinateProbe.class, "readiness");
        assertThat(readiness).anySatisfy(l -> assertThat(l)
                .startsWith("subuid ok | nobody (65534) in /etc/subuid: 600000..600009 (10 ids)"));
    }

    @Test
    void aPasswdFileThatIsNotValidUtf8StillNamesTheUserWhoseRangesCount(@TempDir Path dir) throws Exception {
        // A full name in Latin-1 (0xE9) on another user's line: the name of uid 65534 must still be found, for the
        // subordinate lines that name it.
        List<String> passwd = Files.readAllLines(Path.of("/etc/passwd"));
        Path file = dir.resolve("passwd");
        Files.write(file, (String.join("\n", passwd) + "\nlinx-latin1:x:47999:47999:Jos\u00e9:/:/bin/false\n")
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        Path subids = Files.writeString(dir.resolve("subids"), "nobody:600000:10\n");
        for (Path p : List.of(file, subids)) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
        }
        List<String> prefix = new ArrayList<>(ProbeJvm.withFileOver(file, Path.of("/etc/passwd")));
        prefix.addAll(ProbeJvm.withFileOver(subids, Path.of("/etc/subuid")));
        prefix.addAll(ProbeJvm.withFileOver(subids, Path.of("/etc/subgid")));
        prefix.addAll(ProbeJvm.as(65534, 65534));
        assertThat(jvm.run(prefix, SubordinateProbe.class, "helper-layout")).containsSubsequence(
                "layout uid [IdMapping<0 -> 65534>, IdMapping<1..10 -> 600000..600009>]",
                "uid_map [IdMapping<0 -> 65534>, IdMapping<1..10 -> 600000..600009>]");
    }

    @Test
    void theUsersReadinessListsItsRanges() throws Exception {
        List<String> lines = probe("readiness");
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("subuid ok | linx-subid-test (" + UID
                + ") in /etc/subuid: 300000..365535 (65536 ids)"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("newuidmap ok | ").contains("setuid root"));
        assertThat(lines).contains("ready true");
    }
}
