package dev.linx.user.internal.sys;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The system calls of the id ledger's file, each made in a {@link Syscalls} session: the whole-file lock that
 * serialises its updates, the open-file-description range locks that mark a block as held by a live process, and the
 * one-write replacement of its content.
 *
 * <pre>{@code
 * try (Syscalls sys = Syscalls.open()) {
 *     LedgerCalls.lockExclusive(sys, fd);
 *     boolean mine = LedgerCalls.tryLockRange(sys, fd, start, length);
 * }
 * }</pre>
 */
public final class LedgerCalls {

    private LedgerCalls() {
    }

    /** {@code flock(fd, LOCK_EX)}, waiting for the lock; retried after a signal. */
    public static void lockExclusive(Syscalls sys, int fd) throws ErrnoException {
        while (true) {
            int result;
            try {
                result = (int) LibC.Ledger.FLOCK.invokeExact(sys.capture(), fd, LibC.Ledger.LOCK_EX);
            } catch (Throwable t) {
                throw Syscalls.linkageFailure("flock", t);
            }
            if (result == 0) {
                return;
            }
            if (sys.errno() != LibC.EINTR) {
                throw sys.failure("flock");
            }
        }
    }

    /**
     * An open-file-description write lock on the bytes {@code start .. start+length-1} ({@code F_OFD_SETLK}): held
     * until the description's last descriptor is closed, or its process dies.
     *
     * @return false when another open file description holds a lock on some of those bytes
     */
    public static boolean tryLockRange(Syscalls sys, int fd, long start, long length) throws ErrnoException {
        MemorySegment lock = flock(sys, LibC.Ledger.F_WRLCK, start, length);
        if (fcntl(sys, fd, LibC.Ledger.F_OFD_SETLK, lock) == 0) {
            return true;
        }
        int errno = sys.errno();
        if (errno == LibC.EAGAIN || errno == LibC.Ledger.EACCES) {
            return false;
        }
        throw new ErrnoException("fcntl", errno);
    }

    /**
     * The first lock another open file description holds on the bytes {@code start .. start+length-1}
     * ({@code F_OFD_GETLK}).
     *
     * @return {@code {start, length}} of that lock, or {@code null} when there is none
     */
    public static long[] lockOn(Syscalls sys, int fd, long start, long length) throws ErrnoException {
        MemorySegment lock = flock(sys, LibC.Ledger.F_WRLCK, start, length);
        if (fcntl(sys, fd, LibC.Ledger.F_OFD_GETLK, lock) < 0) {
            throw sys.failure("fcntl");
        }
        if (lock.get(ValueLayout.JAVA_SHORT, 0) == LibC.Ledger.F_UNLCK) {
            return null;
        }
        return new long[] {lock.get(ValueLayout.JAVA_LONG, LibC.Ledger.FLOCK_START),
                lock.get(ValueLayout.JAVA_LONG, LibC.Ledger.FLOCK_LEN)};
    }

    private static MemorySegment flock(Syscalls sys, short type, long start, long length) {
        MemorySegment lock = sys.allocate(LibC.Ledger.FLOCK_SIZE, 8);
        lock.fill((byte) 0);
        lock.set(ValueLayout.JAVA_SHORT, 0, type);
        lock.set(ValueLayout.JAVA_SHORT, 2, LibC.Ledger.SEEK_SET);
        lock.set(ValueLayout.JAVA_LONG, LibC.Ledger.FLOCK_START, start);
        lock.set(ValueLayout.JAVA_LONG, LibC.Ledger.FLOCK_LEN, length);
        return lock;
    }

    private static int fcntl(Syscalls sys, int fd, int command, MemorySegment lock) {
        try {
            return (int) LibC.Ledger.FCNTL.invokeExact(sys.capture(), fd, command, lock);
        } catch (Throwable t) {
            throw Syscalls.linkageFailure("fcntl", t);
        }
    }

    /**
     * Replaces the whole content of a regular file: one {@code pwrite} at offset 0, then {@code ftruncate} to its
     * length. Not truncated to 0 first: ext4 flushes a file truncated to 0 when it is closed, which costs
     * milliseconds.
     */
    public static void replaceContent(Syscalls sys, int fd, byte[] data) throws ErrnoException {
        MemorySegment bytes = sys.copyOf(data);
        try {
            long written = (long) LibC.Ledger.PWRITE.invokeExact(sys.capture(), fd, bytes, (long) data.length, 0L);
            if (written < 0) {
                throw sys.failure("pwrite");
            }
            if ((int) LibC.Ledger.FTRUNCATE.invokeExact(sys.capture(), fd, (long) data.length) < 0) {
                throw sys.failure("ftruncate");
            }
            if (written != data.length) {
                throw new ErrnoException("pwrite", 28);   // a short write to a regular file: ENOSPC
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw Syscalls.linkageFailure("pwrite", t);
        }
    }
}
