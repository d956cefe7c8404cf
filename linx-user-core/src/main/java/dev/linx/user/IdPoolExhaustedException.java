package dev.linx.user;

/**
 * No block of the asked size is free in an {@link IdPool}: every one is held by a live lease (in this JVM or another
 * process) or mapped by a live user namespace. Thrown by {@link IdPool#lease(long)} before anything irreversible: no
 * child was started and no lock is held.
 *
 * <pre>{@code
 * try {
 *     Process workload = launcher.start(List.of("make", "test"));
 * } catch (IdPoolExhaustedException e) {
 *     // e.getMessage(): "no free block of 65536 ids in the pool (uids 100000..165535, gids 100000..165535):
 *     //                  1 of 1 blocks in use"; answer 503 and retry later
 * }
 * }</pre>
 */
public final class IdPoolExhaustedException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    /** The block size that was asked for. */
    private final long size;
    /** How many blocks of that size the pool holds. */
    private final long blocks;

    IdPoolExhaustedException(IdRange uids, IdRange gids, long size, long blocks, long inUse) {
        super("no free block of " + size + " ids in the pool (uids " + uids + ", gids " + gids + "): " + inUse + " of "
                + blocks + " blocks in use");
        this.size = size;
        this.blocks = blocks;
    }

    /**
     * The block size that was asked for.
     *
     * @return the block size
     */
    public long size() {
        return size;
    }

    /**
     * How many blocks of that size the pool holds.
     *
     * @return the number of blocks
     */
    public long blocks() {
        return blocks;
    }
}
