package dev.linx.user;

import dev.linx.user.internal.ids.Ledger;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Host ids handed out in disjoint blocks, one {@link IdLease} per workload, so that root in one sandbox is a host uid
 * no other sandbox has: it cannot signal, ptrace or read the files of its neighbours.
 *
 * <p>A lease never gets a block that another live lease holds, in this JVM or in any other process leasing from the
 * same ledger directory, nor one that a live user namespace maps outside (the kernel is the ledger: a namespace made by
 * another tool, or by a JVM that was killed, keeps its ids until its last process is gone). Blocks are {@code size}
 * ids aligned to their size inside the pool; the uid and gid blocks of one lease sit at the same offset of their
 * ranges. A block given back is handed out again only after every block free for longer.
 *
 * <pre>{@code
 * IdPool pool = IdPool.subordinate();                      // this user's /etc/subuid and /etc/subgid ranges
 * IdPool explicit = IdPool.of(IdRange.parse("1000000:1048576"), IdRange.parse("1000000:1048576"));   // root
 * try (IdLease lease = explicit.lease(65536)) {
 *     lease.uids();                                        // e.g. 1000000..1065535
 * }
 * }</pre>
 *
 * <p>The ledger lives in {@code /run/linx-user} for root, {@code $XDG_RUNTIME_DIR/linx-user} (or
 * {@code /tmp/linx-user-<uid>}) for other users; {@link #withLedger(Path)} chooses another. Thread-safe.
 */
public final class IdPool {

    private final IdRange uids;
    private final IdRange gids;
    private final Ledger ledger;

    private IdPool(IdRange uids, IdRange gids, Ledger ledger) {
        this.uids = Objects.requireNonNull(uids, "uids");
        this.gids = Objects.requireNonNull(gids, "gids");
        this.ledger = ledger;
    }

    /**
     * Explicit host ranges, for a privileged JVM (one that may write maps to any host id).
     *
     * @param uids the host uids to lease blocks from
     * @param gids the host gids to lease blocks from
     * @return the pool, with the default ledger
     */
    public static IdPool of(IdRange uids, IdRange gids) {
        return new IdPool(uids, gids, Ledger.in(null));
    }

    /**
     * The first subordinate uid range and the first subordinate gid range of this process's user, from
     * {@code /etc/subuid} and {@code /etc/subgid}: what an unprivileged JVM may map through {@code newuidmap} and
     * {@code newgidmap}.
     *
     * @return the pool, with the default ledger
     * @throws IllegalStateException when the user has no subordinate uid or gid range
     */
    public static IdPool subordinate() {
        SubordinateIds ids = SubordinateIds.current();
        if (ids.uids().isEmpty() || ids.gids().isEmpty()) {
            throw new IllegalStateException("user " + ids.user() + " (uid " + ids.uid() + ") has no subordinate "
                    + (ids.uids().isEmpty() ? "uid range in " + SubordinateIds.ETC_SUBUID
                            : "gid range in " + SubordinateIds.ETC_SUBGID)
                    + ": add one (e.g. usermod --add-subuids 100000-165535 --add-subgids 100000-165535 "
                    + ids.user() + ") or give the pool's ranges explicitly");
        }
        return of(ids.uids().getFirst(), ids.gids().getFirst());
    }

    /**
     * This pool with its ledger in {@code directory} (created 0700 if missing; it must be this user's alone).
     *
     * @param directory the ledger's directory
     * @return a pool with the same ranges
     */
    public IdPool withLedger(Path directory) {
        return new IdPool(uids, gids, Ledger.in(Objects.requireNonNull(directory, "directory")));
    }

    /**
     * Takes a free block of {@code size} uids and gids.
     *
     * @param size a power of two from 1 to 65536, or a multiple of 65536
     * @return the lease; close it to give the block back
     * @throws IllegalArgumentException for any other size, or one larger than the pool
     * @throws IdPoolExhaustedException when no block of that size is free; nothing is held then
     * @throws java.io.UncheckedIOException when the ledger directory cannot be used
     */
    public IdLease lease(long size) {
        long blocks = blocks(size);
        Ledger.Held held = ledger.take(uids, gids, size);
        if (held == null) {
            throw new IdPoolExhaustedException(uids, gids, size, blocks, blocks);
        }
        return new IdLease(held);
    }

    /**
     * How many blocks of {@code size} the pool holds, and how many are taken now (by a live lease anywhere on the
     * host, or a live namespace).
     *
     * @param size the block size
     * @return the blocks and how many are taken
     * @throws IllegalArgumentException for a bad size, as {@link #lease(long)}
     */
    public Usage usage(long size) {
        long blocks = blocks(size);
        return new Usage(size, blocks, ledger.taken(uids, gids, size));
    }

    /**
     * The host uid range.
     *
     * @return the uid range
     */
    public IdRange uids() {
        return uids;
    }

    /**
     * The host gid range.
     *
     * @return the gid range
     */
    public IdRange gids() {
        return gids;
    }

    /**
     * The directory of the ledger this pool coordinates through.
     *
     * @return the ledger's directory
     */
    public Path ledger() {
        return ledger.directory();
    }

    /**
     * Checks a block size: a power of two from 1 to 65536, or a multiple of 65536.
     *
     * @param size the block size
     * @return {@code size}
     * @throws IllegalArgumentException for any other size
     */
    public static long checkSize(long size) {
        boolean powerOfTwo = size >= 1 && size <= 65536 && Long.bitCount(size) == 1;
        if (!powerOfTwo && (size <= 0 || size % 65536 != 0 || size > IdMapping.ID_LIMIT)) {
            throw new IllegalArgumentException("block size must be a power of two from 1 to 65536 or a multiple of"
                    + " 65536, got " + size);
        }
        return size;
    }

    /**
     * How many blocks of {@code size} the pool holds.
     *
     * @param size the block size
     * @return the number of blocks, at least 1
     * @throws IllegalArgumentException for a bad size, or one larger than the pool
     */
    public long blocks(long size) {
        checkSize(size);
        long blocks = Math.min(uids.count() / size, gids.count() / size);
        if (blocks == 0) {
            throw new IllegalArgumentException("block size " + size + " is larger than the pool (uids " + uids
                    + ", gids " + gids + ")");
        }
        return blocks;
    }

    /**
     * A pool's use for one block size.
     *
     * @param size the block size
     * @param blocks how many blocks of that size the pool holds
     * @param leased how many are taken now
     */
    public record Usage(long size, long blocks, long leased) {

        /**
         * How many are free now.
         *
         * @return {@code blocks - leased}
         */
        public long free() {
            return blocks - leased;
        }
    }

    @Override
    public String toString() {
        return "IdPool[uids=" + uids + ", gids=" + gids + ", ledger=" + ledger.directory() + "]";
    }
}
