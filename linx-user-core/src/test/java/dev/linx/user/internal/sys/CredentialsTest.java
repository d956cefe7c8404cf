package dev.linx.user.internal.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The credentials the library decides by, against the kernel's own view of each thread. */
class CredentialsTest {

    @Test
    void theCredentialsAreTheCallingThreadsNotTheThreadGroupLeaders() throws Exception {
        assumeThat(Credentials.current().has(Credentials.CAP_SETUID)).isTrue();
        AtomicReference<Credentials> afterDrop = new AtomicReference<>();
        AtomicReference<Long> capget = new AtomicReference<>();
        Thread dropper = Thread.ofPlatform().start(() -> {
            ThreadCapabilities.dropEffective(Credentials.CAP_SETUID);
            afterDrop.set(Credentials.current());
            try (Syscalls sys = Syscalls.open()) {
                capget.set(sys.effectiveCapabilities());
            } catch (ErrnoException e) {
                throw new IllegalStateException(e);
            }
        });
        dropper.join();

        assertThat(afterDrop.get().has(Credentials.CAP_SETUID)).isFalse();
        assertThat(afterDrop.get().effectiveCapabilities()).isEqualTo(capget.get());
        assertThat(Credentials.current().has(Credentials.CAP_SETUID)).as("this thread's").isTrue();
    }

    @Test
    void theIdsAreTheEffectiveOnesOfTheStatusLines() {
        String status = "Name:\tjava\nUid:\t1000\t65534\t1000\t65534\nGid:\t100  4242 100\t4242\n"
                + "CapEff:\t00000000000000c0\n";

        Credentials credentials = Credentials.parse(status);

        assertThat(credentials.euid()).isEqualTo(65534);
        assertThat(credentials.egid()).isEqualTo(4242);
        assertThat(credentials.has(Credentials.CAP_SETUID)).isTrue();
        assertThat(credentials.has(Credentials.CAP_SETGID)).isTrue();
    }
}
