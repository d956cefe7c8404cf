package dev.linx.user.sample;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linx.user.IdMapping;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The host ids the page reports: what {@code id} printed inside, through the kernel's map. */
class WhoamiHostIdTest {

    private static final String ROOT = "uid=0(root) gid=0(root) groups=0(root)";

    private static final List<IdMapping> BLOCK = List.of(IdMapping.of(0, 700_000, 65_536));

    @Test
    void rootInsideIsTheFirstIdOfTheBlockNotTheParkedChildsOwnId() {
        // An unprivileged JVM's child is parked as the JVM's user and takes root inside only once released.
        assertThat(WhoamiSandbox.hostId(ROOT, "uid=", BLOCK, 47_616)).isEqualTo(700_000);
        assertThat(WhoamiSandbox.hostId(ROOT, "gid=", BLOCK, 47_616)).isEqualTo(700_000);
    }

    @Test
    void anIdInsideTheRangeKeepsItsOffset() {
        assertThat(WhoamiSandbox.hostId("uid=1000 gid=1000 groups=1000", "uid=", BLOCK, 47_616)).isEqualTo(701_000);
    }

    @Test
    void anUnmappedOrMissingIdFallsBackToTheParkedChildsOwn() {
        assertThat(WhoamiSandbox.hostId("uid=65534(nobody) gid=65534(nogroup)", "uid=", List.of(IdMapping.of(0, 1000,
                1)), 1000)).isEqualTo(1000);
        assertThat(WhoamiSandbox.hostId("", "gid=", BLOCK, 47_616)).isEqualTo(47_616);
    }
}
