package dev.linx.user.internal.procfs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linx.user.Errno;
import dev.linx.user.internal.sys.ErrnoException;
import dev.linx.user.internal.sys.LibC;
import dev.linx.user.internal.sys.Syscalls;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Verbs given a pinned pid reach the pinned process or nothing, even when the pin goes away under them. */
class PinnedDirTest {

    @Test
    void aVerbStillWaitingForAPinWhenItIsClosedFailsAsForAGoneProcessInsteadOfOpeningThePidAfresh() throws Exception {
        // Alive on the pid after the pin is gone, as a process that reused it would be.
        Process other = new ProcessBuilder("sleep", "60").start();
        try {
            long pid = other.pid();
            int fd;
            try (Syscalls sys = Syscalls.open()) {
                fd = sys.open("/proc/" + pid, LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_CLOEXEC);
            }
            PinnedDir pin = PinnedDir.pin(pid, fd);
            AtomicReference<Object> outcome = new AtomicReference<>();
            // A verb in progress holds the pin, so the next one finds it and waits.
            assertThat(pin.acquire()).isEqualTo(fd);
            Thread verb = Thread.ofPlatform().start(() -> {
                try (Syscalls sys = Syscalls.open(); ProcDir dir = ProcDir.open(sys, pid)) {
                    outcome.set("opened");
                } catch (ErrnoException e) {
                    outcome.set(e.errno());
                }
            });
            while (verb.getState() != Thread.State.WAITING) {
                Thread.onSpinWait();
            }
            pin.close();   // reentrant for the holder: the pin is gone before the waiting verb gets it
            pin.release();
            verb.join();

            assertThat(outcome.get()).isEqualTo(Errno.ESRCH.code());
        } finally {
            other.destroyForcibly().waitFor();
        }
    }
}
