package dev.linx.user.internal.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * A short-lived, single-thread session of system calls: it provides the native memory the calls need (paths, buffers,
 * the captured {@code errno}) and takes it all back on {@link #close()}.
 *
 * <pre>{@code
 * try (Syscalls sys = Syscalls.open()) {
 *     int fd = sys.open("/proc/self/uid_map", LibC.O_RDONLY | LibC.O_CLOEXEC);
 *     ...
 * } catch (ErrnoException e) { ... e.errno() ... }
 * }</pre>
 *
 * <p>Memory: on a platform thread, a session takes its memory from a per-thread scratch block, bump-allocated and
 * released in the LIFO order of try-with-resources, so the hot paths ({@code setupMaps}, the reads) never call
 * {@code malloc}/{@code free} nor zero a buffer. What does not fit, and everything on a virtual thread (which would
 * otherwise keep a block per short-lived thread), comes from a confined arena freed on close, as before. Memory from a
 * session is not zeroed.
 *
 * <p>The calls a wait repeats in one session ({@link #poll}, {@link ProcessCalls#reap}) reuse one buffer of the
 * session's, taken at their first use: a session held across a wait of any length stays at the size its first round
 * gave it.
 *
 * <p>This class makes the file and descriptor calls; the calls of one concern live beside it and take the session:
 * {@link ProcessCalls} (pidfds, signals, reaping), {@link Epoll} (the reaper's wait) and {@link LedgerCalls} (the id
 * ledger's locks and writes).
 */
public final class Syscalls implements AutoCloseable {

    private static final int READ_CHUNK = 16 * 1024;
    /** Enough for every path and a 340-extent map read in its padded form (about 11 KiB). */
    private static final long SCRATCH_SIZE = 32 * 1024;
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** A thread's block of native memory; freed by the garbage collector with its thread's map. */
    private static final class Scratch {
        final MemorySegment memory = Arena.ofAuto().allocate(SCRATCH_SIZE, 16);
        long top;
    }

    private final Scratch scratch;
    private final long mark;
    private Arena overflow;
    private final MemorySegment capture;
    /** Bytes this session has taken so far: what a test reads to see that a wait does not grow it. */
    private long allocated;
    /** The {@code struct pollfd} of {@link #poll}, once it was called. */
    private MemorySegment pollfd;
    /** The {@code siginfo_t} of {@link ProcessCalls}' waits, once one of them was called. */
    private MemorySegment siginfo;

    private Syscalls() {
        this.scratch = Thread.currentThread().isVirtual() ? null : SCRATCH.get();
        this.mark = scratch == null ? 0 : scratch.top;
        this.capture = allocate(LibC.CAPTURE_LAYOUT.byteSize(), LibC.CAPTURE_LAYOUT.byteAlignment());
    }

    /** Starts a session on the current thread. */
    public static Syscalls open() {
        return new Syscalls();
    }

    /** Native memory for this session, not zeroed. */
    MemorySegment allocate(long size, long alignment) {
        allocated += size;
        if (scratch != null) {
            long start = (scratch.top + alignment - 1) & -alignment;
            if (start + size <= SCRATCH_SIZE) {
                scratch.top = start + size;
                return scratch.memory.asSlice(start, size);
            }
        }
        if (overflow == null) {
            overflow = Arena.ofConfined();
        }
        return overflow.allocate(size, alignment);
    }

    /** The bytes this session has taken from its thread's block or its arena so far, alignment padding aside. */
    long allocated() {
        return allocated;
    }

    /** A NUL-terminated copy of {@code text} (UTF-8). */
    public MemorySegment cString(String text) {
        int length = text.length();
        MemorySegment c = allocate(length + 1L, 1);
        for (int i = 0; i < length; i++) {
            char ch = text.charAt(i);
            if (ch == 0 || ch >= 0x80) {
                byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
                c = allocate(bytes.length + 1L, 1);
                MemorySegment.copy(bytes, 0, c, ValueLayout.JAVA_BYTE, 0, bytes.length);
                c.set(ValueLayout.JAVA_BYTE, bytes.length, (byte) 0);
                return c;
            }
            c.set(ValueLayout.JAVA_BYTE, i, (byte) ch);
        }
        c.set(ValueLayout.JAVA_BYTE, length, (byte) 0);
        return c;
    }

    /** {@code open(2)} of an absolute path, without {@code O_CREAT}. */
    public int open(String path, int flags) throws ErrnoException {
        return open(path, flags, 0);
    }

    /** {@code open(2)} of an absolute path with {@code O_CREAT}: a new file gets {@code mode} (less the umask). */
    public int create(String path, int flags, int mode) throws ErrnoException {
        return open(path, flags | LibC.O_CREAT, mode);
    }

    private int open(String path, int flags, int mode) throws ErrnoException {
        MemorySegment cPath = cString(path);
        int fd;
        try {
            fd = (int) LibC.OPEN.invokeExact(capture, cPath, flags, mode);
        } catch (Throwable t) {
            throw linkageFailure("open", t);
        }
        if (fd < 0) {
            throw failure("open");
        }
        return fd;
    }

    /** {@code openat(2)} of a name relative to a directory descriptor, without {@code O_CREAT}. */
    public int openat(int dirfd, String name, int flags) throws ErrnoException {
        return openat(dirfd, cString(name), flags);
    }

    /** {@code openat(2)} of a NUL-terminated name already in native memory. */
    public int openat(int dirfd, MemorySegment cName, int flags) throws ErrnoException {
        int fd;
        try {
            fd = (int) LibC.OPENAT.invokeExact(capture, dirfd, cName, flags, 0);
        } catch (Throwable t) {
            throw linkageFailure("openat", t);
        }
        if (fd < 0) {
            throw failure("openat");
        }
        return fd;
    }

    /** A copy of {@code data} in this session's native memory, for the calls that take a buffer. */
    public MemorySegment copyOf(byte[] data) {
        MemorySegment buffer = allocate(data.length, 1);
        MemorySegment.copy(data, 0, buffer, ValueLayout.JAVA_BYTE, 0, data.length);
        return buffer;
    }

    /**
     * Exactly one {@code write(2)} of the whole segment at the descriptor's offset.
     *
     * @return the number of bytes the kernel took
     */
    public long write(int fd, MemorySegment data) throws ErrnoException {
        long written;
        try {
            written = (long) LibC.WRITE.invokeExact(capture, fd, data, data.byteSize());
        } catch (Throwable t) {
            throw linkageFailure("write", t);
        }
        if (written < 0) {
            throw failure("write");
        }
        return written;
    }

    /**
     * Reads until end of file. Procfs files report size 0, so the size is never asked; {@code EINTR} is retried.
     *
     * @param limit the most bytes to keep; a longer file is cut there
     */
    public byte[] readAll(int fd, int limit) throws ErrnoException {
        MemorySegment buffer = allocate(Math.min(READ_CHUNK, limit), 8);
        long total = 0;
        byte[] result = null;
        while (total < limit) {
            long n;
            try {
                n = (long) LibC.READ.invokeExact(capture, fd, buffer, Math.min(buffer.byteSize(), limit - total));
            } catch (Throwable t) {
                throw linkageFailure("read", t);
            }
            if (n < 0) {
                if (errno() == LibC.EINTR) {
                    continue;
                }
                throw failure("read");
            }
            if (n == 0) {
                break;
            }
            // Usually one chunk holds the whole file: copy once, at its exact size.
            byte[] grown = new byte[(int) (total + n)];
            if (result != null) {
                System.arraycopy(result, 0, grown, 0, (int) total);
            }
            MemorySegment.copy(buffer, ValueLayout.JAVA_BYTE, 0, grown, (int) total, (int) n);
            result = grown;
            total += n;
        }
        return result == null ? new byte[0] : result;
    }

    /** {@code pipe2(2)}: both ends, read end first. */
    public int[] pipe(int flags) throws ErrnoException {
        MemorySegment fds = allocate(8, 4);
        int result;
        try {
            result = (int) LibC.Launch.PIPE2.invokeExact(capture, fds, flags);
        } catch (Throwable t) {
            throw linkageFailure("pipe2", t);
        }
        if (result < 0) {
            throw failure("pipe2");
        }
        return new int[] {fds.getAtIndex(ValueLayout.JAVA_INT, 0), fds.getAtIndex(ValueLayout.JAVA_INT, 1)};
    }

    /**
     * {@code poll(2)} of one descriptor.
     *
     * @return the returned events, {@code 0} on timeout or {@code EINTR}
     */
    public int poll(int fd, short events, int timeoutMillis) throws ErrnoException {
        if (pollfd == null) {
            pollfd = allocate(8, 4);
        }
        pollfd.set(ValueLayout.JAVA_INT, 0, fd);
        pollfd.set(ValueLayout.JAVA_SHORT, 4, events);
        pollfd.set(ValueLayout.JAVA_SHORT, 6, (short) 0);
        int result;
        try {
            result = (int) LibC.Launch.POLL.invokeExact(capture, pollfd, 1L, timeoutMillis);
        } catch (Throwable t) {
            throw linkageFailure("poll", t);
        }
        if (result < 0) {
            if (errno() == LibC.EINTR) {
                return 0;
            }
            throw failure("poll");
        }
        return result == 0 ? 0 : pollfd.get(ValueLayout.JAVA_SHORT, 6);
    }

    /**
     * One {@code read(2)} into {@code into} at {@code offset}; {@code EINTR} is retried.
     *
     * @return the number of bytes read, {@code 0} at end of file
     */
    public int read(int fd, byte[] into, int offset, int length) throws ErrnoException {
        MemorySegment buffer = allocate(Math.max(1, length), 1);
        while (true) {
            long n;
            try {
                n = (long) LibC.READ.invokeExact(capture, fd, buffer, (long) length);
            } catch (Throwable t) {
                throw linkageFailure("read", t);
            }
            if (n >= 0) {
                MemorySegment.copy(buffer, ValueLayout.JAVA_BYTE, 0, into, offset, (int) n);
                return (int) n;
            }
            if (errno() != LibC.EINTR) {
                throw failure("read");
            }
        }
    }

    /** {@code close(2)}; never retried, since Linux releases the descriptor even when close reports an error. */
    public void close(int fd) {
        try {
            int ignored = (int) LibC.CLOSE.invokeExact(capture, fd);
        } catch (Throwable t) {
            throw linkageFailure("close", t);
        }
    }

    /**
     * The calling thread's effective capability set, bit {@code n} for capability {@code n} ({@code capget(2)},
     * version 3). The kernel checks the writer's own capabilities when a map is written, so this is the set that
     * decides.
     */
    public long effectiveCapabilities() throws ErrnoException {
        MemorySegment header = allocate(LibC.CAP_HEADER_SIZE, 4);
        MemorySegment data = allocate(2 * LibC.CAP_DATA_SIZE, 4);
        header.set(ValueLayout.JAVA_INT, 0, LibC.CAPABILITY_VERSION_3);
        header.set(ValueLayout.JAVA_INT, 4, 0);
        int result;
        try {
            result = (int) LibC.CAPGET.invokeExact(capture, header, data);
        } catch (Throwable t) {
            throw linkageFailure("capget", t);
        }
        if (result < 0) {
            throw failure("capget");
        }
        long low = Integer.toUnsignedLong(data.get(ValueLayout.JAVA_INT, 0));
        long high = Integer.toUnsignedLong(data.get(ValueLayout.JAVA_INT, LibC.CAP_DATA_SIZE));
        return low | (high << 32);
    }

    /**
     * The size of an extended attribute of a file, following symbolic links ({@code getxattr(2)} with size 0).
     *
     * @throws ErrnoException {@code ENODATA} (61) when the file has no such attribute
     */
    public long xattrSize(String path, String name) throws ErrnoException {
        MemorySegment cPath = cString(path);
        MemorySegment cName = cString(name);
        long size;
        try {
            size = (long) LibC.GETXATTR.invokeExact(capture, cPath, cName, MemorySegment.NULL, 0L);
        } catch (Throwable t) {
            throw linkageFailure("getxattr", t);
        }
        if (size < 0) {
            throw failure("getxattr");
        }
        return size;
    }

    /** {@code readlink(2)}: the target of a symbolic link (or a procfs magic link such as {@code ns/user}). */
    public String readlink(String path) throws ErrnoException {
        MemorySegment cPath = cString(path);
        MemorySegment buffer = allocate(4096, 1);
        long n;
        try {
            n = (long) LibC.READLINK.invokeExact(capture, cPath, buffer, buffer.byteSize());
        } catch (Throwable t) {
            throw linkageFailure("readlink", t);
        }
        if (n < 0) {
            throw failure("readlink");
        }
        byte[] bytes = new byte[(int) n];
        MemorySegment.copy(buffer, ValueLayout.JAVA_BYTE, 0, bytes, 0, (int) n);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** The segment each call's {@code errno} is captured into. */
    MemorySegment capture() {
        return capture;
    }

    /** The {@code siginfo_t} the waits of this session share, taken at the first. */
    MemorySegment siginfo() {
        if (siginfo == null) {
            siginfo = allocate(LibC.SIGINFO_SIZE, 8);
        }
        return siginfo;
    }

    /** The {@code errno} the last call of this session captured. */
    int errno() {
        return (int) LibC.ERRNO.get(capture, 0L);
    }

    /** The last call's failure, with the {@code errno} it captured. */
    ErrnoException failure(String call) {
        return new ErrnoException(call, errno());
    }

    static IllegalStateException linkageFailure(String call, Throwable t) {
        return new IllegalStateException("native call " + call + " could not be made", t);
    }

    @Override
    public void close() {
        if (scratch != null) {
            scratch.top = mark;
        }
        if (overflow != null) {
            overflow.close();
        }
    }
}
