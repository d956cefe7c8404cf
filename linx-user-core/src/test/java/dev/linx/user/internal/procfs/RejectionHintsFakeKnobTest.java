package dev.linx.user.internal.procfs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linx.user.Errno;
import dev.linx.user.IdMapping;
import dev.linx.user.Namespace;
import dev.linx.user.Operation;
import dev.linx.user.ParkedProcess;
import dev.linx.user.internal.sys.Credentials;
import dev.linx.user.internal.sys.Syscalls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AppArmor hint. This kernel has no {@code kernel.apparmor_restrict_unprivileged_userns}, so the knob comes from a
 * fake /proc/sys directory and the caller is described as unprivileged; the target is a real parked child whose maps
 * are still unwritten, and EPERM is what the kernel answers such a writer under the restriction.
 */
class RejectionHintsFakeKnobTest {

    private static final Credentials UNPRIVILEGED = new Credentials(65534, 65534, 0);
    private static final List<IdMapping> RANGE = List.of(IdMapping.of(0, 65534, 1), IdMapping.of(1, 100000, 10));

    private static String hintWithFakeKnob(Path fakeProcSys, String value) throws Exception {
        Files.createDirectories(fakeProcSys.resolve("kernel"));
        Files.writeString(fakeProcSys.resolve("kernel/apparmor_restrict_unprivileged_userns"), value + "\n");
        try (ParkedProcess child = ParkedProcess.start(List.of("true"), Set.of(Namespace.USER));
                Syscalls sys = Syscalls.open();
                ProcDir dir = ProcDir.open(sys, child.hostPid())) {
            return RejectionHints.hint(Operation.SET_UID_MAP, Errno.EPERM.code(), dir, RANGE, fakeProcSys,
                    () -> UNPRIVILEGED);
        }
    }

    @Test
    void withTheFakeKnobAtOneAMapWriteRejectionNamesAppArmor(@TempDir Path fakeProcSys) throws Exception {
        assertThat(hintWithFakeKnob(fakeProcSys, "1")).startsWith("AppArmor restricts unprivileged user namespaces"
                + " (kernel.apparmor_restrict_unprivileged_userns = 1): the namespace is created, but without"
                + " capabilities in it, so map writes fail");
    }

    @Test
    void withTheFakeKnobAtZeroTheWritersOwnRuleIsNamed(@TempDir Path fakeProcSys) throws Exception {
        assertThat(hintWithFakeKnob(fakeProcSys, "0")).startsWith("unprivileged writers may map only their own"
                + " effective uid (65534), length 1");
    }
}
