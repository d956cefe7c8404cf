package dev.linx.user.internal.ids;

import dev.linx.user.IdRange;
import dev.linx.user.internal.sys.ErrnoException;
import dev.linx.user.internal.sys.LedgerCalls;
import dev.linx.user.internal.sys.LibC;
import dev.linx.user.internal.sys.Syscalls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The host-wide ledger of leased id blocks: one file, {@code ledger}, in a directory that every process leasing from
 * the same host ids shares.
 *
 * <ul>
 *   <li>An exclusive {@code flock} on the file is held across every check-and-take and every give-back: the global
 *       lock.</li>
 *   <li>A held block is a pair of open-file-description byte-range locks on the same file, at the block's uids and
 *       at {@link #GID_REGION} plus its gids, taken on a description of its own that the holding process keeps open.
 *       Another process (or this one, through another description) sees them with {@code F_OFD_GETLK}; when the
 *       holder closes the description, or dies, however, the kernel drops them.</li>
 *   <li>{@linkplain MappedIds The kernel}: every block a live namespace maps outside is taken, lock or no lock; that is
 *       how the workloads of a killed JVM keep their blocks.</li>
 *   <li>The file's content is the {@link History}: when each block was last known in use, for the reuse order.</li>
 * </ul>
 */
public final class Ledger {

    static final String FILE = "ledger";
    /** Where the gid locks start: past every uid, so that the two never meet. */
    static final long GID_REGION = 1L << 33;
    private static final int FILE_MODE = 0600;
    private static final int OPEN_FLAGS = LibC.O_RDWR | LibC.O_CLOEXEC | LibC.O_NOFOLLOW;

    private final Path directory;
    private final Path file;
    private final long euid;
    private volatile boolean ensured;

    private Ledger(Path directory, long euid) {
        this.directory = directory;
        this.file = directory.resolve(FILE);
        this.euid = euid;
    }

    /** The ledger in {@code directory}, or in the default one for this user when it is {@code null}. */
    public static Ledger in(Path directory) {
        long euid = LibC.geteuid();
        return new Ledger(directory == null ? LedgerDirectory.defaultFor(euid) : directory.toAbsolutePath(), euid);
    }

    /** The directory the ledger lives in. */
    public Path directory() {
        return directory;
    }

    /**
     * Takes a free block of {@code size} ids from the pool.
     *
     * @return the held block, or {@code null} when none is free: nothing is held then
     * @throws UncheckedIOException when the ledger cannot be used
     */
    public Held take(IdRange uids, IdRange gids, long size) {
        return underLock((sys, fd, history) -> {
            BlockChoice.Block block = choice(sys, fd, history, uids, gids, size).oldestFree();
            if (block == null) {
                return null;
            }
            Held held = hold(block);
            history.used(new LeaseRecord(block.uids(), block.gids()), System.currentTimeMillis());
            return held;
        });
    }

    /** How many of the pool's blocks of {@code size} are taken now, by a live lease or a live namespace. */
    public long taken(IdRange uids, IdRange gids, long size) {
        return underLock((sys, fd, history) -> choice(sys, fd, history, uids, gids, size).taken());
    }

    private BlockChoice choice(Syscalls sys, int fd, History history, IdRange uids, IdRange gids, long size) {
        MappedIds mapped = MappedIds.scan();
        long now = System.currentTimeMillis();
        for (Map.Entry<LeaseRecord, Long> entry : history.entries().entrySet()) {
            if (mapped.touches(entry.getKey().uids(), entry.getKey().gids())) {
                // Still mapped, by a namespace whose holder is gone or by its own live lease: in use until now.
                entry.setValue(now);
            }
        }
        return new BlockChoice(uids, gids, size, new BlockChoice.HeldBlocks() {
            @Override
            public IdRange uidsHeldIn(IdRange block) {
                return heldIn(sys, fd, block, 0);
            }

            @Override
            public IdRange gidsHeldIn(IdRange block) {
                return heldIn(sys, fd, block, GID_REGION);
            }
        }, history.entries(), mapped);
    }

    private IdRange heldIn(Syscalls sys, int fd, IdRange block, long region) {
        long[] lock;
        try {
            lock = LedgerCalls.lockOn(sys, fd, region + block.start(), block.count());
        } catch (ErrnoException e) {
            throw failure("read the locks of", e);
        }
        return lock == null ? null : new IdRange(lock[0] - region, lock[1]);
    }

    private Held hold(BlockChoice.Block block) {
        try (Syscalls sys = Syscalls.open()) {
            int fd = sys.create(file.toString(), OPEN_FLAGS, FILE_MODE);
            try {
                if (!LedgerCalls.tryLockRange(sys, fd, block.uids().start(), block.uids().count())
                        || !LedgerCalls.tryLockRange(sys, fd, GID_REGION + block.gids().start(),
                                block.gids().count())) {
                    throw new UncheckedIOException(new IOException(
                            "the block " + block + " is locked although the ledger " + file + " said free"));
                }
            } catch (ErrnoException | RuntimeException e) {
                sys.close(fd);
                throw e;
            }
            return new Held(this, fd, block.uids(), block.gids());
        } catch (ErrnoException e) {
            throw failure("lock a block in", e);
        }
    }

    private void giveBack(Held held) {
        underLock((sys, fd, history) -> {
            history.used(new LeaseRecord(held.uids, held.gids), System.currentTimeMillis());
            return null;
        });
    }

    @FunctionalInterface
    private interface LockedAction<T> {
        T apply(Syscalls sys, int fd, History history);
    }

    /** Runs {@code action} under the global lock with the history read, and writes the history back after it. */
    private <T> T underLock(LockedAction<T> action) {
        if (!ensured) {
            LedgerDirectory.ensure(directory, euid);
            ensured = true;
        }
        try (Syscalls sys = Syscalls.open()) {
            int fd = sys.create(file.toString(), OPEN_FLAGS, FILE_MODE);
            try {
                LedgerCalls.lockExclusive(sys, fd);
                byte[] before = sys.readAll(fd, History.MAX_BYTES);
                History history = History.parse(before);
                T result = action.apply(sys, fd, history);
                byte[] after = history.render();
                if (!java.util.Arrays.equals(before, after)) {
                    LedgerCalls.replaceContent(sys, fd, after);
                }
                return result;
            } finally {
                // The only descriptor of this open file description: closing it drops the flock.
                sys.close(fd);
            }
        } catch (ErrnoException e) {
            if (e.errno() == 2) {
                ensured = false;   // the directory was removed: made again at the next call
            }
            throw failure("use", e);
        }
    }

    private UncheckedIOException failure(String what, ErrnoException e) {
        String message = "cannot " + what + " the id pool's ledger " + file + " (errno " + e.errno() + ")";
        return new UncheckedIOException(message, new IOException(message, e));
    }

    /** A block this process holds: the open description with its two range locks. */
    public static final class Held {

        private final Ledger ledger;
        private final IdRange uids;
        private final IdRange gids;
        private int fd;

        private Held(Ledger ledger, int fd, IdRange uids, IdRange gids) {
            this.ledger = ledger;
            this.fd = fd;
            this.uids = uids;
            this.gids = gids;
        }

        /** The uid block. */
        public IdRange uids() {
            return uids;
        }

        /** The gid block. */
        public IdRange gids() {
            return gids;
        }

        /** Records the time in the history and lets go of the block; idempotent. */
        public synchronized void release() {
            if (fd < 0) {
                return;
            }
            try {
                ledger.giveBack(this);
            } catch (UncheckedIOException e) {
                // The block is let go all the same: only the reuse order loses this release's time.
            } finally {
                try (Syscalls sys = Syscalls.open()) {
                    sys.close(fd);
                }
                fd = -1;
            }
        }
    }
}
