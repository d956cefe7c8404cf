package dev.linx.user;

import dev.linx.user.internal.ids.Ledger;
import java.util.List;

/**
 * One block of host ids held for one workload: {@link #uids()} and {@link #gids()}, each {@code size} ids, which no
 * other live lease holds, in this JVM or in any other process leasing from the same ids. {@link #close()} gives the
 * block back; if this JVM dies first, the kernel lets go of the lease's lock, and the block stays taken only for as
 * long as a live namespace maps it.
 *
 * <pre>{@code
 * try (IdLease lease = IdPool.of(IdRange.parse("100000:655360"), IdRange.parse("100000:655360")).lease(65536);
 *      ParkedProcess child = ParkedProcess.start(List.of("id"), Set.of(Namespace.USER))) {
 *     operations.setupMaps(child.hostPid(), lease.mapSetup());   // 0..65535 -> the block, uid and gid
 *     child.proceed().waitFor();
 * }
 * }</pre>
 *
 * <p>Give a lease back only once no process is left in a namespace that maps it: {@link UserNamespaceLauncher}'s
 * isolated launches do that by themselves.
 */
public final class IdLease implements AutoCloseable {

    private final Ledger.Held held;
    private final MapSetup mapSetup;

    IdLease(Ledger.Held held) {
        this.held = held;
        this.mapSetup = MapSetup.of(List.of(IdMapping.of(0, held.uids().start(), held.uids().count())),
                List.of(IdMapping.of(0, held.gids().start(), held.gids().count())));
    }

    /**
     * The host uids of the block.
     *
     * @return the uid block
     */
    public IdRange uids() {
        return held.uids();
    }

    /**
     * The host gids of the block.
     *
     * @return the gid block
     */
    public IdRange gids() {
        return held.gids();
    }

    /**
     * Inside {@code 0 .. size-1} to the block, for uids and for gids, setgroups denied.
     *
     * @return the setup for this block
     */
    public MapSetup mapSetup() {
        return mapSetup;
    }

    /** Gives the block back; idempotent. */
    @Override
    public void close() {
        held.release();
    }

    @Override
    public String toString() {
        return "IdLease[uids=" + uids() + ", gids=" + gids() + "]";
    }
}
