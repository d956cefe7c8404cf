package dev.linx.user.spring.actuate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import dev.linx.user.HostReadiness;
import dev.linx.user.IdMapping;
import dev.linx.user.MapSetup;
import dev.linx.user.Namespace;
import dev.linx.user.ParkedProcess;
import dev.linx.user.UserNamespaceOperations;
import dev.linx.user.UserNamespaces;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;

class UserNamespaceEndpointTest {

    private final UserNamespaceOperations operations = UserNamespaces.operations();

    private final UserNamespaceEndpoint endpoint = new UserNamespaceEndpoint(this.operations, MapSetup.rootless());

    @Test
    void reportsSupportAndThisProcesssOwnMapsAsTheKernelHasThem() {
        long self = ProcessHandle.current().pid();
        UserNamespaceEndpoint.UserNamespacesDescriptor report = this.endpoint.userNamespaces();

        assertThat(report.supported()).isTrue();
        assertThat(report.self().pid()).isEqualTo(self);
        assertThat(report.self().uidMap()).isEqualTo(ranges(this.operations.readUidMap(self)));
        assertThat(report.self().gidMap()).isEqualTo(ranges(this.operations.readGidMap(self)));
        assertThat(report.self().setgroups()).isEqualTo("allow");
    }

    @Test
    void reportsTheDefaultsInLowerCase() {
        UserNamespaceEndpoint.DefaultsDescriptor defaults = this.endpoint.userNamespaces().defaults();

        assertThat(defaults.uidMap()).isEqualTo(ranges(MapSetup.rootless().uid()));
        assertThat(defaults.setgroups()).isEqualTo("deny");
    }

    @Test
    void reportsTheHostReadinessFindingsInLowerCaseKeys() {
        HostReadiness expected = HostReadiness.check();

        UserNamespaceEndpoint.ReadinessDescriptor readiness = this.endpoint.userNamespaces().readiness();

        assertThat(readiness.ready()).isEqualTo(expected.ready());
        assertThat(readiness.summary()).isEqualTo(expected.summary());
        assertThat(readiness.findings()).hasSize(HostReadiness.Check.values().length);
        assertThat(readiness.findings().getFirst().check()).isEqualTo("user_namespaces");
        assertThat(readiness.findings()).allSatisfy(f -> assertThat(f.status()).isIn("ok", "warn", "fail", "skipped"));
    }

    @Test
    void reportsNoDefaultsWithoutALauncher() {
        assertThat(new UserNamespaceEndpoint(this.operations, null).userNamespaces().defaults()).isNull();
    }

    @Test
    void reportsOneProcesssMapsAsWritten() {
        try (ParkedProcess child = ParkedProcess.start(List.of("true"), Set.of(Namespace.USER))) {
            this.operations.setupMaps(child.hostPid(), MapSetup.of(List.of(IdMapping.of(0, 1000, 1)),
                    List.of(IdMapping.of(0, 1001, 1))));

            UserNamespaceEndpoint.ProcessDescriptor process = this.endpoint.process(Long.toString(child.hostPid()));

            assertThat(process.pid()).isEqualTo(child.hostPid());
            assertThat(process.uidMap()).containsExactly(new UserNamespaceEndpoint.RangeDescriptor(0, 1000, 1));
            assertThat(process.gidMap()).containsExactly(new UserNamespaceEndpoint.RangeDescriptor(0, 1001, 1));
            assertThat(process.setgroups()).isEqualTo("deny");
        }
    }

    @Test
    void reportsEmptyMapsForAProcessWhoseMapsAreUnwritten() {
        try (ParkedProcess child = ParkedProcess.start(List.of("true"), Set.of(Namespace.USER))) {
            UserNamespaceEndpoint.ProcessDescriptor process = this.endpoint.process(Long.toString(child.hostPid()));

            assertThat(process.uidMap()).isEmpty();
            assertThat(process.gidMap()).isEmpty();
        }
    }

    @Test
    void answersNothingForAPidWithNoProcess() {
        assertThat(this.endpoint.process(Long.toString(unusedPid()))).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = { "4194304", "9999999", "2147483647", "2147483648", "9223372036854775807",
            "9223372036854775808", "123456789012345678901234567890" })
    void answersNothingForEveryPositiveDecimalNumberThatNamesNoProcessHoweverLarge(String pid) {
        assertThat(this.endpoint.process(pid)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = { "0", "-1", "abc", "self", "+1", "01", "1.5", " 1", "..", "1/../2", "1e3", "0x10",
            "", "00" })
    void refusesAnythingButAPositiveDecimalPid(String selector) {
        assertThatExceptionOfType(InvalidEndpointRequestException.class)
            .isThrownBy(() -> this.endpoint.process(selector));
    }

    static List<UserNamespaceEndpoint.RangeDescriptor> ranges(List<IdMapping> map) {
        return map.stream().map(m -> new UserNamespaceEndpoint.RangeDescriptor(m.inside(), m.outside(), m.length()))
            .toList();
    }

    /** A pid above every live one and below pid_max: nobody has it right now. */
    static long unusedPid() {
        long highest = ProcessHandle.allProcesses().mapToLong(ProcessHandle::pid).max().orElse(1);
        return highest + 100_000 < 4_194_304 ? highest + 100_000 : 4_194_303;
    }
}
