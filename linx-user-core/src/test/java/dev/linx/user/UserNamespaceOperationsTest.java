package dev.linx.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static dev.linx.user.Expect.invalid;
import static dev.linx.user.Expect.rejection;

import dev.linx.user.InvalidMappingException.Reason;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.LongConsumer;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Tag;

/** The verbs against real user namespaces of parked children, with the kernel as the oracle. */
@Tag("rootless")
class UserNamespaceOperationsTest {

    private static final long DEAD_PID = 9_999_999; // above any pid_max
    /** Root inside to this JVM's own ids: the one mapping every caller, privileged or not, may write. */
    private static final List<IdMapping> OWN_UID = MapSetup.rootless().uid();
    private static final List<IdMapping> OWN_GID = MapSetup.rootless().gid();
    private static final List<IdMapping> ROOT_TO_0 = List.of(IdMapping.of(0, 0, 1));

    private final UserNamespaceOperations ops = UserNamespaces.operations();
    private final List<ParkedProcess> children = new ArrayList<>();

    private long parked() {
        ParkedProcess child = ParkedProcess.start(List.of("true"), Set.of(Namespace.USER));
        children.add(child);
        return child.hostPid();
    }

    @AfterEach
    void closeChildren() {
        children.forEach(ParkedProcess::close);
        Kernel.assertNoChildLeft();
    }

    @Test
    void userNamespacesAreSupported() {
        assertThat(ops.isSupported()).isTrue();
    }

    @Test
    void ourOwnMapsReadAsTheKernelPrintsThem() throws Exception {
        long self = ProcessHandle.current().pid();
        assertThat(ops.readUidMap(self)).isEqualTo(parseIndependently(Path.of("/proc/self/uid_map")));
        assertThat(ops.readGidMap(self)).isEqualTo(parseIndependently(Path.of("/proc/self/gid_map")));
        assertThat(ops.readUidMap(self)).isNotEmpty();
    }

    private static List<IdMapping> parseIndependently(Path file) throws java.io.IOException {
        return java.nio.file.Files.readAllLines(file).stream()
                .map(line -> line.strip().split("\\s+"))
                .map(f -> IdMapping.of(Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2])))
                .toList();
    }

    @Test
    void anUnwrittenMapReadsAsEmpty() {
        long pid = parked();
        assertThat(ops.readUidMap(pid)).isEmpty();
        assertThat(ops.readGidMap(pid)).isEmpty();
    }

    @Test
    void setgroupsIsAllowedInAFreshNamespace() {
        assertThat(ops.readSetgroups(parked())).isEqualTo(SetgroupsState.ALLOW);
    }

    @Test
    void denySetgroupsIsReadBackAsDeny() {
        long pid = parked();
        ops.denySetgroups(pid);
        assertThat(ops.readSetgroups(pid)).isEqualTo(SetgroupsState.DENY);
    }

    @Test
    void denySetgroupsIsRepeatableBeforeTheGidMap() {
        long pid = parked();
        ops.denySetgroups(pid);
        ops.denySetgroups(pid);
        assertThat(ops.readSetgroups(pid)).isEqualTo(SetgroupsState.DENY);
    }

    @Test
    void aWrittenUidMapIsReadBack() {
        long pid = parked();
        ops.setUidMap(pid, OWN_UID);
        assertThat(ops.readUidMap(pid)).isEqualTo(OWN_UID);
    }

    @Test
    void aWrittenGidMapIsReadBack() {
        long pid = parked();
        ops.denySetgroups(pid);
        ops.setGidMap(pid, OWN_GID);
        assertThat(ops.readGidMap(pid)).isEqualTo(OWN_GID);
    }

    @Test
    void aSecondUidMapWriteIsRefusedWithEperm() {
        long pid = parked();
        ops.setUidMap(pid, OWN_UID);
        UserNamespaceException e = rejection(() -> ops.setUidMap(pid, OWN_UID));
        assertThat(e.errno()).isEqualTo(Errno.EPERM);
        assertThat(e.code()).isEqualTo(1);
        assertThat(e.operation()).isEqualTo(Operation.SET_UID_MAP);
        assertThat(e.path()).isEqualTo(Path.of("/proc/" + pid + "/uid_map"));
        assertThat(e).hasMessage("user set_uid_map failed on /proc/" + pid + "/uid_map: eperm (errno 1)");
        assertThat(e.hint()).hasValueSatisfying(h -> assertThat(h).contains("write-once"));
    }

    @Test
    void aSecondGidMapWriteIsRefusedWithEperm() {
        long pid = parked();
        ops.denySetgroups(pid);
        ops.setGidMap(pid, OWN_GID);
        UserNamespaceException e = rejection(() -> ops.setGidMap(pid, OWN_GID));
        assertThat(e.errno()).isEqualTo(Errno.EPERM);
        assertThat(e.operation()).isEqualTo(Operation.SET_GID_MAP);
        assertThat(e).hasMessage("user set_gid_map failed on /proc/" + pid + "/gid_map: eperm (errno 1)");
    }

    @Test
    void denySetgroupsAfterTheGidMapIsRefusedWithEperm() {
        long pid = parked();
        ops.denySetgroups(pid);
        ops.setGidMap(pid, OWN_GID);
        UserNamespaceException e = rejection(() -> ops.denySetgroups(pid));
        assertThat(e.errno()).isEqualTo(Errno.EPERM);
        assertThat(e.operation()).isEqualTo(Operation.DENY_SETGROUPS);
        assertThat(e.path()).isEqualTo(Path.of("/proc/" + pid + "/setgroups"));
        assertThat(e).hasMessage("user deny_setgroups failed on /proc/" + pid + "/setgroups: eperm (errno 1)");
        assertThat(e.hint()).hasValueSatisfying(h -> assertThat(h).contains("before gid_map"));
    }

    static Stream<Object[]> verbsOnADeadPid() {
        UserNamespaceOperations ops = UserNamespaces.operations();
        return Stream.of(
                new Object[] {Operation.SET_UID_MAP, "uid_map", (LongConsumer) pid -> ops.setUidMap(pid, ROOT_TO_0)},
                new Object[] {Operation.SET_GID_MAP, "gid_map", (LongConsumer) pid -> ops.setGidMap(pid, ROOT_TO_0)},
                new Object[] {Operation.DENY_SETGROUPS, "setgroups", (LongConsumer) ops::denySetgroups},
                new Object[] {Operation.READ_UID_MAP, "uid_map", (LongConsumer) ops::readUidMap},
                new Object[] {Operation.READ_GID_MAP, "gid_map", (LongConsumer) ops::readGidMap},
                new Object[] {Operation.READ_SETGROUPS, "setgroups", (LongConsumer) ops::readSetgroups});
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("verbsOnADeadPid")
    void aDeadPidIsEnoent(Operation operation, String file, LongConsumer verb) {
        UserNamespaceException e = rejection(() -> verb.accept(DEAD_PID));
        assertThat(e.errno()).isEqualTo(Errno.ENOENT);
        assertThat(e.code()).isEqualTo(2);
        assertThat(e.operation()).isEqualTo(operation);
        assertThat(e.path()).isEqualTo(Path.of("/proc/9999999/" + file));
        assertThat(e).hasMessage("user " + operation.label() + " failed on /proc/9999999/" + file
                + ": enoent (errno 2)");
    }

    static Stream<LongConsumer> everyVerb() {
        UserNamespaceOperations ops = UserNamespaces.operations();
        MapSetup setup = MapSetup.of(ROOT_TO_0, ROOT_TO_0);
        return Stream.of(pid -> ops.setUidMap(pid, ROOT_TO_0), pid -> ops.setGidMap(pid, ROOT_TO_0),
                ops::denySetgroups, ops::readUidMap, ops::readGidMap, ops::readSetgroups,
                pid -> ops.setupMaps(pid, setup));
    }

    @ParameterizedTest
    @MethodSource("everyVerb")
    void aPidOfZeroIsNotAPid(LongConsumer verb) {
        assertThat(invalid(() -> verb.accept(0))).isEqualTo(Reason.NOT_A_PID);
    }

    @ParameterizedTest
    @MethodSource("everyVerb")
    void aNegativePidIsNotAPid(LongConsumer verb) {
        assertThat(invalid(() -> verb.accept(-1))).isEqualTo(Reason.NOT_A_PID);
    }

    @Nested
    class WhenValidationFailsNothingIsWritten {

        @Test
        void anEmptyUidMap() {
            long pid = parked();
            assertThat(invalid(() -> ops.setUidMap(pid, List.of()))).isEqualTo(Reason.EMPTY_MAP);
            assertStillUnwritten(pid);
        }

        @Test
        void overlappingRanges() {
            long pid = parked();
            var map = List.of(IdMapping.of(0, 1000, 2), IdMapping.of(1, 2000, 1));
            assertThat(invalid(() -> ops.setUidMap(pid, map))).isEqualTo(Reason.OVERLAPPING_RANGES);
            assertStillUnwritten(pid);
        }

        @Test
        void tooManyExtents() {
            long pid = parked();
            var map = LongStream.range(0, 341).mapToObj(i -> IdMapping.of(i, i, 1)).toList();
            assertThat(invalid(() -> ops.setGidMap(pid, map))).isEqualTo(Reason.TOO_MANY_EXTENTS);
            assertStillUnwritten(pid);
        }

        @Test
        void aBadGidMapStopsSetupMapsBeforeItsFirstWrite() {
            long pid = parked();
            var setup = MapSetup.of(OWN_UID, List.of());
            assertThat(invalid(() -> ops.setupMaps(pid, setup))).isEqualTo(Reason.EMPTY_MAP);
            assertThat(ops.readSetgroups(pid)).as("setgroups untouched").isEqualTo(SetgroupsState.ALLOW);
            assertStillUnwritten(pid);
        }

        private void assertStillUnwritten(long pid) {
            assertThat(ops.readUidMap(pid)).isEmpty();
            assertThat(ops.readGidMap(pid)).isEmpty();
            ops.setUidMap(pid, OWN_UID); // the one write is still available
            assertThat(ops.readUidMap(pid)).isEqualTo(OWN_UID);
        }
    }

    @Nested
    class SetupMaps {

        @Test
        void deniesSetgroupsThenWritesBothMaps() {
            long pid = parked();
            ops.setupMaps(pid, MapSetup.rootless());
            assertThat(ops.readSetgroups(pid)).isEqualTo(SetgroupsState.DENY);
            assertThat(ops.readUidMap(pid)).isEqualTo(OWN_UID);
            assertThat(ops.readGidMap(pid)).isEqualTo(OWN_GID);
        }

        @Test
        void skipLeavesSetgroupsAllowed() {
            assumeThat(Kernel.isRoot()).as("writing gid_map with setgroups allowed needs CAP_SETGID").isTrue();
            long pid = parked();
            ops.setupMaps(pid, new MapSetup(ROOT_TO_0, ROOT_TO_0, SetgroupsPolicy.SKIP));
            assertThat(ops.readSetgroups(pid)).isEqualTo(SetgroupsState.ALLOW);
            assertThat(ops.readGidMap(pid)).isEqualTo(ROOT_TO_0);
        }

        @Test
        void aRefusedUidStepIsNamedAndTheDenyStays() {
            long pid = parked();
            ops.setUidMap(pid, OWN_UID);
            UserNamespaceException e = rejection(() -> ops.setupMaps(pid, MapSetup.rootless()));
            assertThat(e.operation()).isEqualTo(Operation.SET_UID_MAP);
            assertThat(e.errno()).isEqualTo(Errno.EPERM);
            assertThat(ops.readSetgroups(pid)).as("no rollback").isEqualTo(SetgroupsState.DENY);
            assertThat(ops.readGidMap(pid)).as("stopped at the first failure").isEmpty();
        }

        @Test
        void aRefusedGidStepIsNamed() {
            long pid = parked();
            ops.denySetgroups(pid);
            ops.setGidMap(pid, OWN_GID);
            UserNamespaceException e = rejection(
                    () -> ops.setupMaps(pid, new MapSetup(OWN_UID, OWN_GID, SetgroupsPolicy.SKIP)));
            assertThat(e.operation()).isEqualTo(Operation.SET_GID_MAP);
            assertThat(e.path()).isEqualTo(Path.of("/proc/" + pid + "/gid_map"));
            assertThat(ops.readUidMap(pid)).as("the uid step before it stays done").isEqualTo(OWN_UID);
        }

        @Test
        void aRefusedDenyStepIsNamed() {
            long pid = parked();
            ops.denySetgroups(pid);
            ops.setGidMap(pid, OWN_GID);
            UserNamespaceException e = rejection(() -> ops.setupMaps(pid, MapSetup.rootless()));
            assertThat(e.operation()).isEqualTo(Operation.DENY_SETGROUPS);
            assertThat(ops.readUidMap(pid)).as("nothing after the failed step").isEmpty();
        }

        @Test
        void aDeadPidIsReportedAtTheFirstStep() {
            UserNamespaceException e = rejection(() -> ops.setupMaps(DEAD_PID, MapSetup.of(ROOT_TO_0, ROOT_TO_0)));
            assertThat(e.operation()).isEqualTo(Operation.DENY_SETGROUPS);
            assertThat(e.errno()).isEqualTo(Errno.ENOENT);
            assertThat(e.path()).isEqualTo(Path.of("/proc/9999999/setgroups"));
        }
    }

    @Nested
    class AsRoot {

        @BeforeEach
        void requireRoot() {
            assumeThat(Kernel.isRoot()).as("multi-range maps need CAP_SETUID/CAP_SETGID").isTrue();
        }

        @Test
        void aMultiRangeMapIsWrittenInOneWrite() {
            // A second write(2) on the same map would be EPERM (write-once): success means one write.
            long pid = parked();
            var map = List.of(IdMapping.of(0, 0, 1), IdMapping.of(1, 100_000, 65_535));
            ops.setupMaps(pid, MapSetup.of(map, map));
            assertThat(ops.readUidMap(pid)).isEqualTo(map);
            assertThat(ops.readGidMap(pid)).isEqualTo(map);
        }

        @Test
        void aMapOf340ExtentsRoundTripsExactly() {
            long pid = parked();
            var map = LongStream.range(0, 340).mapToObj(i -> IdMapping.of(i * 2, i * 3, 1)).toList();
            assertThat(map.getLast()).isEqualTo(IdMapping.of(678, 1017, 1));
            ops.setUidMap(pid, map);
            assertThat(ops.readUidMap(pid)).isEqualTo(map);
        }

        @Test
        void aMapReadFromOneChildIsWrittenToAnotherUnchanged() {
            long source = parked();
            long target = parked();
            var map = List.of(IdMapping.of(0, 1000, 1), IdMapping.of(1, 100_000, 65_535),
                    IdMapping.of(70_000, 300_000, 10));
            ops.setupMaps(source, MapSetup.of(map, map));
            ops.setupMaps(target, MapSetup.of(ops.readUidMap(source), ops.readGidMap(source)));
            assertThat(ops.readUidMap(target)).isEqualTo(map);
            assertThat(ops.readGidMap(target)).isEqualTo(map);
        }

        @Test
        void theWholeIdSpaceCanBeMapped() {
            long pid = parked();
            var all = List.of(IdMapping.of(0, 0, 4_294_967_295L));
            ops.setUidMap(pid, all);
            assertThat(ops.readUidMap(pid)).isEqualTo(all);
        }
    }

    @Nested
    class ProcessHandles {

        @Test
        void theVerbsTakeAHandle() {
            ProcessHandle child = ProcessHandle.of(parked()).orElseThrow();
            ops.setupMaps(child, MapSetup.rootless());
            assertThat(ops.readUidMap(child)).isEqualTo(OWN_UID);
            assertThat(ops.readGidMap(child)).isEqualTo(OWN_GID);
            assertThat(ops.readSetgroups(child)).isEqualTo(SetgroupsState.DENY);
        }

        @Test
        void aHandleWhoseProcessIsGoneIsRefusedWithEsrch() throws Exception {
            Process gone = new ProcessBuilder("true").start();
            gone.waitFor();
            ProcessHandle handle = gone.toHandle();
            UserNamespaceException e = rejection(() -> ops.setUidMap(handle, OWN_UID));
            assertThat(e.errno()).isEqualTo(Errno.ESRCH);
            assertThat(e.operation()).isEqualTo(Operation.SET_UID_MAP);
            assertThat(e.path()).isEqualTo(Path.of("/proc/" + handle.pid() + "/uid_map"));
        }

        @Test
        void aHandleIsNotFooledByAProcessThatReusedItsPid() throws Exception {
            assumeThat(Kernel.isRoot()).as("steering the next pid through ns_last_pid needs root").isTrue();
            Process original = new ProcessBuilder("unshare", "--user", "sleep", "30").start();
            ProcessHandle handle = original.toHandle();
            original.destroyForcibly().waitFor();
            Kernel.awaitGone(handle.pid());
            Thread.sleep(30); // a handle tells processes apart by start time, recorded in 10 ms clock ticks
            try (Kernel.Impostor impostor = Kernel.startOnPid(handle.pid())) {
                UserNamespaceException e = rejection(() -> ops.setUidMap(handle, OWN_UID));
                assertThat(e.errno()).isEqualTo(Errno.ESRCH);
                assertThat(ops.readUidMap(impostor.pid())).as("the impostor's map").isEmpty();
            }
        }

        @Test
        void aDeadHandleIsReportedAtTheFirstStepOfSetupMaps() throws Exception {
            Process gone = new ProcessBuilder("true").start();
            gone.waitFor();
            UserNamespaceException e = rejection(() -> ops.setupMaps(gone.toHandle(), MapSetup.rootless()));
            assertThat(e.errno()).isEqualTo(Errno.ESRCH);
            assertThat(e.operation()).isEqualTo(Operation.DENY_SETGROUPS);
        }
    }
}
