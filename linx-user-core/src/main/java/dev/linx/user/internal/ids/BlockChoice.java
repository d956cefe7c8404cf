package dev.linx.user.internal.ids;

import dev.linx.user.IdRange;
import java.util.Map;

/**
 * Which block of a pool to hand out, from what the ledger and the kernel say; no I/O.
 *
 * <p>Block {@code i} is {@code size} ids at offset {@code i * size} of the uid range and the same offset of the gid
 * range. A block is taken when a live lease or a live namespace's map overlaps its uids or its gids. Among the
 * free blocks, one no record remembers comes first (the lowest such); after that, the one given back longest ago, so
 * that the files a finished workload left behind are not inherited by the very next one.
 */
final class BlockChoice {

    /** One block: its index in the pool and its ids. */
    record Block(long index, IdRange uids, IdRange gids) {
    }

    /** The blocks live leases hold, anywhere on the host: the first held range overlapping a block, or null. */
    interface HeldBlocks {
        IdRange uidsHeldIn(IdRange uids);

        IdRange gidsHeldIn(IdRange gids);
    }

    private final IdRange uids;
    private final IdRange gids;
    private final long size;
    private final long blocks;
    private final HeldBlocks held;
    private final Map<LeaseRecord, Long> history;
    private final MappedIds mapped;

    BlockChoice(IdRange uids, IdRange gids, long size, HeldBlocks held, Map<LeaseRecord, Long> history,
            MappedIds mapped) {
        this.uids = uids;
        this.gids = gids;
        this.size = size;
        this.blocks = blocks(uids, gids, size);
        this.held = held;
        this.history = history;
        this.mapped = mapped;
    }

    /** How many blocks of {@code size} the pool holds. */
    static long blocks(IdRange uids, IdRange gids, long size) {
        return Math.min(uids.count() / size, gids.count() / size);
    }

    /** The free block to hand out, or {@code null} when every block is taken. */
    Block oldestFree() {
        Block best = null;
        long bestTime = Long.MAX_VALUE;
        for (long i = nextFree(0); i < blocks; i = nextFree(i + 1)) {
            Block block = block(i);
            long time = lastUsed(block);
            if (time == Long.MIN_VALUE) {
                return block;
            }
            if (time < bestTime) {
                best = block;
                bestTime = time;
            }
        }
        return best;
    }

    /** How many blocks are taken. */
    long taken() {
        long free = 0;
        for (long i = nextFree(0); i < blocks; i = nextFree(i + 1)) {
            free++;
        }
        return blocks - free;
    }

    private Block block(long i) {
        return new Block(i, new IdRange(uids.start() + i * size, size), new IdRange(gids.start() + i * size, size));
    }

    /** The first free block at or after {@code i}, or {@link #blocks} when there is none; skips whole busy ranges. */
    private long nextFree(long i) {
        while (i < blocks) {
            Block block = block(i);
            long past = i;
            IdRange heldUids = held.uidsHeldIn(block.uids());
            if (heldUids != null) {
                past = Math.max(past, pastUids(heldUids, block));
            }
            IdRange heldGids = held.gidsHeldIn(block.gids());
            if (heldGids != null) {
                past = Math.max(past, pastGids(heldGids, block));
            }
            for (IdRange range : mapped.uids()) {
                past = Math.max(past, pastUids(range, block));
            }
            for (IdRange range : mapped.gids()) {
                past = Math.max(past, pastGids(range, block));
            }
            if (past == i) {
                return i;
            }
            i = past;
        }
        return blocks;
    }

    /** The index of the first block past {@code range} when it overlaps the block's uids, else the block's own. */
    private long pastUids(IdRange range, Block block) {
        return range.overlaps(block.uids()) ? (range.last() - uids.start()) / size + 1 : block.index();
    }

    private long pastGids(IdRange range, Block block) {
        return range.overlaps(block.gids()) ? (range.last() - gids.start()) / size + 1 : block.index();
    }

    /** When a remembered lease overlapping the block was given back, or {@code Long.MIN_VALUE} if none was. */
    private long lastUsed(Block block) {
        long time = Long.MIN_VALUE;
        for (Map.Entry<LeaseRecord, Long> entry : history.entrySet()) {
            if (entry.getKey().overlaps(block.uids(), block.gids())) {
                time = Math.max(time, entry.getValue());
            }
        }
        return time;
    }
}
