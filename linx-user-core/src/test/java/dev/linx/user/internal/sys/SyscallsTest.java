package dev.linx.user.internal.sys;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** System-call sessions: their memory, and the calls the launcher added, against the real kernel. */
class SyscallsTest {

    @Test
    void theEffectiveCapabilitiesAreTheOnesTheKernelReportsInProcThreadSelfStatus() throws ErrnoException {
        try (Syscalls sys = Syscalls.open()) {
            assertThat(sys.effectiveCapabilities()).isEqualTo(Credentials.current().effectiveCapabilities());
        }
    }

    @Test
    void aNestedSessionDoesNotOverwriteTheMemoryOfItsParent() {
        try (Syscalls outer = Syscalls.open()) {
            MemorySegment kept = outer.cString("outer");
            try (Syscalls inner = Syscalls.open()) {
                inner.cString("inner-inner-inner");
            }
            MemorySegment next = outer.cString("after");
            assertThat(kept.getString(0)).isEqualTo("outer");
            assertThat(next.getString(0)).isEqualTo("after");
        }
    }

    @Test
    void closingASessionGivesItsMemoryBackToTheThread() {
        long first;
        try (Syscalls sys = Syscalls.open()) {
            first = sys.cString("x").address();
        }
        try (Syscalls sys = Syscalls.open()) {
            assertThat(sys.cString("x").address()).isEqualTo(first);
        }
    }

    @Test
    void anAllocationLargerThanTheScratchBlockStillSucceeds() {
        try (Syscalls sys = Syscalls.open()) {
            MemorySegment big = sys.allocate(1 << 20, 8);
            big.set(ValueLayout.JAVA_BYTE, big.byteSize() - 1, (byte) 7);
            assertThat(big.byteSize()).isEqualTo(1 << 20);
        }
    }

    @Test
    void aVirtualThreadHasSessionsToo() throws Exception {
        AtomicReference<String> seen = new AtomicReference<>();
        Thread.ofVirtual().start(() -> {
            try (Syscalls sys = Syscalls.open()) {
                seen.set(sys.cString("virtual").getString(0));
            }
        }).join();
        assertThat(seen).hasValue("virtual");
    }

    @Test
    void aNonAsciiStringIsEncodedAsUtf8() {
        try (Syscalls sys = Syscalls.open()) {
            assertThat(sys.cString("/tmp/é").getString(0, StandardCharsets.UTF_8)).isEqualTo("/tmp/é");
        }
    }

    @Test
    void whatIsWrittenToAPipeIsPolledAndRead() throws Exception {
        try (Syscalls sys = Syscalls.open()) {
            int[] pipe = sys.pipe(LibC.O_CLOEXEC);
            try {
                assertThat(sys.poll(pipe[0], LibC.POLLIN, 0)).as("empty pipe").isZero();
                sys.write(pipe[1], sys.copyOf("ready\n".getBytes(StandardCharsets.US_ASCII)));
                assertThat(sys.poll(pipe[0], LibC.POLLIN, 1000) & LibC.POLLIN).isEqualTo(LibC.POLLIN);
                byte[] into = new byte[16];
                int n = sys.read(pipe[0], into, 2, 10);
                assertThat(new String(into, 2, n, StandardCharsets.US_ASCII)).isEqualTo("ready\n");
            } finally {
                sys.close(pipe[0]);
                sys.close(pipe[1]);
            }
        }
    }

    @Test
    void pollingAgainAndAgainInOneSessionTakesNoMoreMemoryThanTheFirstPoll() throws Exception {
        try (Syscalls sys = Syscalls.open()) {
            int[] pipe = sys.pipe(LibC.O_CLOEXEC);
            try {
                sys.poll(pipe[0], LibC.POLLIN, 0);
                long afterFirst = sys.allocated();
                // Past the 32 KiB block at 8 bytes a poll, where every further poll would have come from the arena.
                for (int i = 0; i < 10_000; i++) {
                    sys.poll(pipe[i % 2], LibC.POLLIN, 0);
                }
                assertThat(sys.allocated()).isEqualTo(afterFirst);
            } finally {
                sys.close(pipe[0]);
                sys.close(pipe[1]);
            }
        }
    }

    @Test
    void reapingARunningChildAgainAndAgainInOneSessionTakesNoMoreMemoryThanTheFirstTry() throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "60").start();
        try (Syscalls sys = Syscalls.open()) {
            int pidfd = ProcessCalls.pidfdOpen(sys, sleeper.pid());
            try {
                assertThat(ProcessCalls.reap(sys, pidfd)).as("still running").isEqualTo(-1);
                long afterFirst = sys.allocated();
                for (int i = 0; i < 1_000; i++) {
                    ProcessCalls.reap(sys, pidfd);
                }
                assertThat(sys.allocated()).isEqualTo(afterFirst);
            } finally {
                sys.close(pidfd);
            }
        } finally {
            sleeper.destroyForcibly().waitFor();
        }
    }

    @Test
    void aPidfdOfThisProcessCannotBeReapedAsAChild() throws Exception {
        try (Syscalls sys = Syscalls.open()) {
            int pidfd = ProcessCalls.pidfdOpen(sys, ProcessHandle.current().pid());
            try {
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> ProcessCalls.reap(sys, pidfd))
                        .isInstanceOf(ErrnoException.class)
                        .extracting(e -> ((ErrnoException) e).errno()).isEqualTo(10); // ECHILD
            } finally {
                sys.close(pidfd);
            }
        }
    }
}
