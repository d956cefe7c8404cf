package dev.linx.user.internal.sys;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linx.user.internal.sys.IdMappingProbe.Answer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The kernel's answer for the test JVM's own ids, which are mapped (as root, and as uid 65534 in the rootless group:
 * a mapped 65534 must not pass for an unmapped one). The unmapped answers are proven in JVMs whose ids are not
 * mapped: {@code PodTest}, {@code HostReadinessTest}.
 */
@Tag("rootless")
class IdMappingProbeTest {

    @Test
    void theKernelTakesThisJvmsOwnIdsAsItsOwn() {
        Credentials self = Credentials.current();
        assertThat(IdMappingProbe.probe(self.euid(), self.egid()))
                .isEqualTo(new IdMappingProbe.Answers(Answer.MAPPED, Answer.MAPPED));
    }

    @Test
    void askingLeavesNoDescriptorOpen() throws Exception {
        Credentials self = Credentials.current();
        long before = openDescriptors();
        for (int i = 0; i < 100; i++) {
            IdMappingProbe.probe(self.euid(), self.egid());
        }
        // A margin for descriptors other threads of the JVM may open meanwhile; a leak would be 100.
        assertThat(openDescriptors()).isLessThan(before + 50);
    }

    private static long openDescriptors() throws Exception {
        try (var fds = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }
}
