package dev.linx.user;

import static dev.linx.user.Expect.rejection;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.linx.user.internal.sys.Credentials;
import dev.linx.user.internal.sys.ThreadCapabilities;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code AUTO} strategy's choice between this process's own write and {@code newuidmap}, made at every call from
 * the calling thread's credentials. Root without {@code /etc/subuid} ranges tells the two apart: the kernel takes a
 * range from root's own write, and {@code newuidmap} refuses it.
 */
class AutoStrategyTest {

    private static final List<IdMapping> RANGE = List.of(IdMapping.of(0, 100_000, 65_536));

    private final UserNamespaceOperations auto = UserNamespaces.operations(MappingStrategy.AUTO);

    @BeforeEach
    void rootWithoutRangesAndTheHelperInstalled() {
        assumeThat(Kernel.isRoot()).isTrue();
        assumeThat(Path.of("/usr/bin/newuidmap")).isExecutable();
        assumeThat(SubordinateIds.current().uids()).isEmpty();
    }

    @AfterEach
    void noChildLeft() {
        Kernel.assertNoChildLeft();
    }

    @Test
    void aCallerWithCapSetuidWritesARangeItself() throws Exception {
        try (ParkedProcess child = ParkedProcess.start(List.of("true"), Set.of(Namespace.USER))) {
            auto.setUidMap(child.hostPid(), RANGE);

            assertThat(auto.readUidMap(child.hostPid())).isEqualTo(RANGE);
        }
    }

    @Test
    void aThreadThatDroppedCapSetuidGoesToTheHelperFromItsNextCall() throws Exception {
        try (ParkedProcess before = ParkedProcess.start(List.of("true"), Set.of(Namespace.USER));
                ParkedProcess after = ParkedProcess.start(List.of("true"), Set.of(Namespace.USER))) {
            AtomicReference<UserNamespaceException> refused = new AtomicReference<>();
            Thread caller = Thread.ofPlatform().start(() -> {
                auto.setUidMap(before.hostPid(), RANGE);
                ThreadCapabilities.dropEffective(Credentials.CAP_SETUID);
                refused.set(rejection(() -> auto.setUidMap(after.hostPid(), RANGE)));
            });
            caller.join();

            assertThat(auto.readUidMap(before.hostPid())).isEqualTo(RANGE);
            assertThat(refused.get()).isNotNull();
            assertThat(refused.get().helperFailure()).hasValueSatisfying(h -> {
                assertThat(h.program()).endsWith("/newuidmap");
                assertThat(h.message()).contains("not allowed");
            });
            assertThat(auto.readUidMap(after.hostPid())).isEmpty();
        }
    }
}
