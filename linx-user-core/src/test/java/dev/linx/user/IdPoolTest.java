package dev.linx.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link IdPool} against a real ledger directory and the real kernel's maps. Root only (explicit host ranges). */
class IdPoolTest {

    /** Far from any range a test user or the host delegates: 4 blocks of 65536. */
    static final IdRange UIDS = new IdRange(3_000_000, 4 * 65_536);
    static final IdRange GIDS = new IdRange(3_500_000, 4 * 65_536);

    @TempDir
    Path ledger;

    private final List<IdLease> leases = new ArrayList<>();

    @BeforeEach
    void onlyRootMapsExplicitRanges() {
        assumeThat(Kernel.isRoot()).isTrue();
    }

    @AfterEach
    void giveEverythingBack() {
        leases.forEach(IdLease::close);
        Kernel.assertNoChildLeft();
    }

    private IdPool pool() {
        return IdPool.of(UIDS, GIDS).withLedger(ledger);
    }

    private IdLease lease(IdPool pool, long size) {
        IdLease lease = pool.lease(size);
        leases.add(lease);
        return lease;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 1024, 65_536, 131_072, 655_360})
    void aPowerOfTwoUpTo65536OrAMultipleOf65536IsABlockSize(long size) {
        assertThat(IdPool.checkSize(size)).isEqualTo(size);
    }

    @ParameterizedTest
    @ValueSource(longs = {0, -1, 3, 1000, 65_537, 100_000, 98_304, 4_294_967_296L})
    void anyOtherSizeIsRefused(long size) {
        assertThatThrownBy(() -> IdPool.checkSize(size)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(Long.toString(size));
    }

    @Test
    void aBlockLargerThanThePoolIsRefused() {
        assertThatThrownBy(() -> pool().lease(8 * 65_536)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("larger than the pool");
    }

    @Test
    void twoLeasesGetDisjointBlocksAlignedToTheirSize() {
        IdLease a = lease(pool(), 1024);
        IdLease b = lease(pool(), 1024);
        assertThat(a.uids().overlaps(b.uids())).isFalse();
        assertThat(a.gids().overlaps(b.gids())).isFalse();
        for (IdLease lease : List.of(a, b)) {
            assertThat((lease.uids().start() - UIDS.start()) % 1024).isZero();
            assertThat(lease.uids().count()).isEqualTo(1024);
        }
    }

    @Test
    void theUidAndGidBlocksOfALeaseSitAtTheSameOffset() {
        lease(pool(), 65_536);
        IdLease second = lease(pool(), 65_536);
        assertThat(second.uids().start() - UIDS.start()).isEqualTo(second.gids().start() - GIDS.start());
    }

    @Test
    void theMapSetupMapsRootInsideToTheBlockStart() {
        IdLease lease = lease(pool(), 65_536);
        assertThat(lease.mapSetup()).isEqualTo(MapSetup.of(
                List.of(IdMapping.of(0, lease.uids().start(), 65_536)),
                List.of(IdMapping.of(0, lease.gids().start(), 65_536))));
        assertThat(lease.mapSetup().setgroups()).isEqualTo(SetgroupsPolicy.DENY);
    }

    @Test
    void leasesOfDifferentSizesFromOneLedgerNeverOverlap() {
        IdLease small = lease(pool(), 1024);
        IdLease big = lease(pool(), 65_536);
        assertThat(big.uids().overlaps(small.uids())).isFalse();
    }

    @Test
    void aFullPoolThrowsExhaustedNamingItsRangesSizeAndUse() {
        IdPool pool = pool();
        for (int i = 0; i < 4; i++) {
            lease(pool, 65_536);
        }
        assertThatThrownBy(() -> pool.lease(65_536)).isInstanceOfSatisfying(IdPoolExhaustedException.class, e -> {
            assertThat(e).hasMessage("no free block of 65536 ids in the pool (uids " + UIDS + ", gids " + GIDS
                    + "): 4 of 4 blocks in use");
            assertThat(e.size()).isEqualTo(65_536);
            assertThat(e.blocks()).isEqualTo(4);
        });
    }

    @Test
    void anExhaustedLeaseHoldsNothing() {
        IdPool pool = pool();
        for (int i = 0; i < 4; i++) {
            lease(pool, 65_536);
        }
        assertThatThrownBy(() -> pool.lease(65_536)).isInstanceOf(IdPoolExhaustedException.class);
        leases.removeFirst().close();
        assertThat(lease(pool, 65_536)).isNotNull();
    }

    @Test
    void closeIsIdempotent() {
        IdLease lease = pool().lease(65_536);
        lease.close();
        lease.close();
        assertThat(pool().usage(65_536).leased()).isZero();
    }

    @Test
    void aBlockGivenBackIsNotTheNextOneHandedOut() {
        IdLease first = pool().lease(65_536);
        IdRange given = first.uids();
        first.close();
        assertThat(lease(pool(), 65_536).uids()).isNotEqualTo(given);
    }

    @Test
    void theBlockGivenBackLongestAgoIsReusedFirst() throws Exception {
        IdPool pool = pool();
        List<IdLease> all = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            all.add(pool.lease(65_536));
        }
        // Given back in the order 2, 0, 3, 1: reused in that order.
        for (int i : new int[] {2, 0, 3, 1}) {
            all.get(i).close();
            Thread.sleep(20);
        }
        for (int i : new int[] {2, 0, 3, 1}) {
            assertThat(lease(pool, 65_536).uids()).isEqualTo(all.get(i).uids());
        }
    }

    @Test
    void usageCountsLeasedAndFreeBlocks() {
        IdPool pool = pool();
        lease(pool, 65_536);
        assertThat(pool.usage(65_536)).isEqualTo(new IdPool.Usage(65_536, 4, 1));
        assertThat(pool.usage(65_536).free()).isEqualTo(3);
        assertThat(pool.usage(1024).leased()).isEqualTo(64);
    }

    @Test
    void aBlockANamespaceMadeOutsideTheLibraryMapsIsNeverHandedOut() {
        IdPool pool = pool();
        UserNamespaceOperations ops = UserNamespaces.operations();
        // The first block's first uid only, from a namespace no lease knows of.
        try (ParkedProcess foreign = ParkedProcess.start(List.of("true"), Set.of(Namespace.USER))) {
            ops.setupMaps(foreign.hostPid(), MapSetup.of(List.of(IdMapping.of(0, UIDS.start(), 1)),
                    List.of(IdMapping.of(0, 0, 1))));
            for (int i = 0; i < 3; i++) {
                assertThat(lease(pool, 65_536).uids().contains(UIDS.start())).isFalse();
            }
            assertThatThrownBy(() -> pool.lease(65_536)).isInstanceOf(IdPoolExhaustedException.class);
        }
    }

    @Test
    void aGidMappedOutsideTheLibraryTakesItsBlockToo() {
        IdPool pool = pool();
        UserNamespaceOperations ops = UserNamespaces.operations();
        try (ParkedProcess foreign = ParkedProcess.start(List.of("true"), Set.of(Namespace.USER))) {
            ops.setupMaps(foreign.hostPid(), MapSetup.of(List.of(IdMapping.of(0, 0, 1)),
                    List.of(IdMapping.of(0, GIDS.start() + 65_536 + 7, 1))));
            assertThat(pool.usage(65_536).leased()).isEqualTo(1);
            assertThat(lease(pool, 65_536).gids().start()).isEqualTo(GIDS.start());
            assertThat(lease(pool, 65_536).gids().start()).isEqualTo(GIDS.start() + 2 * 65_536);
        }
    }

    @Test
    void theLedgerDirectoryMustBeThisUsersAlone() throws Exception {
        java.nio.file.Files.setPosixFilePermissions(ledger,
                java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThatThrownBy(() -> pool().lease(65_536)).isInstanceOf(java.io.UncheckedIOException.class)
                .hasMessageContaining("writable by nobody else");
    }
}
