package dev.linx.user.internal.ids;

import dev.linx.user.IdRange;
import dev.linx.user.internal.sys.ErrnoException;
import dev.linx.user.internal.sys.LibC;
import dev.linx.user.internal.sys.Syscalls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The host-wide ledger of leased id blocks, shared by every process that leases from the same directory.
 *
 * <p>A lease is taken under an exclusive {@code flock} on {@code ledger.lock}, held across the whole check-and-take:
 * <ol>
 *   <li>the {@linkplain LeaseRecord records} of the directory: one that another open file description holds locked
 *       is a live lease, in this JVM or in any other process; one nobody holds is history;</li>
 *   <li>the {@linkplain MappedIds kernel}: every block a live namespace maps outside is taken, lock file or not;</li>
 *   <li>{@linkplain BlockChoice the choice}: a free block never used before, else the one given back longest ago;</li>
 *   <li>the new record, created and locked by this process before the global lock is let go.</li>
 * </ol>
 * The record's lock belongs to this process: when it dies, however, the kernel lets go of it, and the block is held
 * from then on only by what the kernel says of its namespace.
 */
public final class Ledger {

    static final String LOCK_FILE = "ledger.lock";
    private static final int FILE_MODE = 0600;
    private static final int OPEN_FLAGS = LibC.O_RDWR | LibC.O_CLOEXEC | LibC.O_NOFOLLOW;

    private final Path directory;
    private final long euid;

    private Ledger(Path directory, long euid) {
        this.directory = directory;
        this.euid = euid;
    }

    /** The ledger in {@code directory}, or in the default one for this user when it is {@code null}. */
    public static Ledger in(Path directory) {
        long euid = LibC.geteuid();
        return new Ledger(directory == null ? LedgerDirectory.defaultFor(euid) : directory.toAbsolutePath(), euid);
    }

    /** The directory the lock files live in. */
    public Path directory() {
        return directory;
    }

    /**
     * Takes a free block of {@code size} ids from the pool.
     *
     * @return the held block, or {@code null} when none is free: nothing is held then
     * @throws UncheckedIOException when the ledger cannot be read or written
     */
    public Held take(IdRange uids, IdRange gids, long size) {
        return underLock(view -> {
            BlockChoice.Block block = view.choice(uids, gids, size).oldestFree();
            return block == null ? null : view.hold(block);
        });
    }

    /** How many of the pool's blocks of {@code size} are taken now, by a live lease or a live namespace. */
    public long taken(IdRange uids, IdRange gids, long size) {
        return underLock(view -> view.choice(uids, gids, size).taken());
    }

    private <T> T underLock(ViewAction<T> action) {
        LedgerDirectory.ensure(directory, euid);
        int lock;
        try (Syscalls sys = Syscalls.open()) {
            lock = sys.create(directory.resolve(LOCK_FILE).toString(), OPEN_FLAGS, FILE_MODE);
            try {
                sys.lockExclusive(lock);
            } catch (ErrnoException e) {
                sys.close(lock);
                throw e;
            }
        } catch (ErrnoException e) {
            throw failure("lock", directory.resolve(LOCK_FILE), e);
        }
        try {
            return action.apply(new View());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the id pool's ledger " + directory + ": " + e.getMessage(), e);
        } finally {
            // Closing the only descriptor of this open file description drops its flock.
            try (Syscalls sys = Syscalls.open()) {
                sys.close(lock);
            }
        }
    }

    @FunctionalInterface
    private interface ViewAction<T> {
        T apply(View view) throws IOException;
    }

    /** What the ledger and the kernel say, read under the global lock. */
    private final class View {

        private final List<LeaseRecord> live = new ArrayList<>();
        private final Map<LeaseRecord, FileTime> history = new HashMap<>();
        private final MappedIds mapped;

        View() throws IOException {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*.lease")) {
                for (Path file : files) {
                    LeaseRecord record = LeaseRecord.parse(file.getFileName().toString());
                    if (record != null) {
                        FileTime released = releasedAt(file);
                        if (released == null) {
                            live.add(record);
                        } else {
                            history.put(record, released);
                        }
                    }
                }
            }
            mapped = MappedIds.scan();
            for (Map.Entry<LeaseRecord, FileTime> entry : history.entrySet()) {
                LeaseRecord record = entry.getKey();
                if (mapped.touches(record.uids(), record.gids())) {
                    // Still mapped by a namespace whose lease holder died: in use until now, as far as reuse goes.
                    FileTime now = FileTime.fromMillis(System.currentTimeMillis());
                    Files.setLastModifiedTime(record.in(directory), now);
                    entry.setValue(now);
                }
            }
        }

        BlockChoice choice(IdRange uids, IdRange gids, long size) {
            Map<LeaseRecord, Long> used = new HashMap<>();
            history.forEach((record, time) -> used.put(record, time.toMillis()));
            return new BlockChoice(uids, gids, size, live, used, mapped);
        }

        Held hold(BlockChoice.Block block) throws IOException {
            for (LeaseRecord old : history.keySet()) {
                if (old.overlaps(block.uids(), block.gids())) {
                    // Replaced by the new record; its history is the new lease's now.
                    Files.deleteIfExists(old.in(directory));
                }
            }
            LeaseRecord record = new LeaseRecord(block.uids(), block.gids());
            Path file = record.in(directory);
            try (Syscalls sys = Syscalls.open()) {
                int fd = sys.create(file.toString(), OPEN_FLAGS, FILE_MODE);
                try {
                    if (!sys.tryLockExclusive(fd)) {
                        throw new IOException("the lock file " + file + " is held although the ledger said free");
                    }
                } catch (ErrnoException | IOException e) {
                    sys.close(fd);
                    throw e;
                }
                return new Held(file, fd, block.uids(), block.gids());
            } catch (ErrnoException e) {
                throw failure("create", file, e);
            }
        }

        /** The time a record was let go, or {@code null} while a live lease holds it. */
        private FileTime releasedAt(Path file) throws IOException {
            try (Syscalls sys = Syscalls.open()) {
                int fd = sys.open(file.toString(), OPEN_FLAGS);
                try {
                    return sys.tryLockExclusive(fd) ? Files.getLastModifiedTime(file) : null;
                } finally {
                    sys.close(fd);
                }
            } catch (ErrnoException e) {
                throw failure("read", file, e);
            }
        }
    }

    private static UncheckedIOException failure(String what, Path file, ErrnoException e) {
        String message = "cannot " + what + " " + file + " of the id pool's ledger (errno " + e.errno() + ")";
        return new UncheckedIOException(message, new IOException(message, e));
    }

    /**
     * A block this process holds: the open, locked record. {@link #release()} stamps the time and lets go.
     */
    public static final class Held {

        private final Path file;
        private final IdRange uids;
        private final IdRange gids;
        private int fd;

        private Held(Path file, int fd, IdRange uids, IdRange gids) {
            this.file = file;
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

        /** Stamps the release time on the record and lets go of its lock; idempotent. */
        public synchronized void release() {
            if (fd < 0) {
                return;
            }
            try {
                Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis()));
            } catch (IOException e) {
                // The lock is let go all the same: only the reuse order loses this release's time.
            }
            try (Syscalls sys = Syscalls.open()) {
                sys.close(fd);
            }
            fd = -1;
        }
    }
}
