package dev.linx.user.internal.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A short-lived, single-thread session of system calls: it owns the native memory the calls need (paths, buffers,
 * the captured {@code errno}) and frees it all on {@link #close()}.
 *
 * <pre>{@code
 * try (Syscalls sys = Syscalls.open()) {
 *     int fd = sys.open("/proc/self/uid_map", LibC.O_RDONLY | LibC.O_CLOEXEC);
 *     ...
 * } catch (ErrnoException e) { ... e.errno() ... }
 * }</pre>
 */
public final class Syscalls implements AutoCloseable {

    private static final int READ_CHUNK = 16 * 1024;

    private final Arena arena;
    private final MemorySegment capture;

    private Syscalls() {
        this.arena = Arena.ofConfined();
        this.capture = arena.allocate(LibC.CAPTURE_LAYOUT);
    }

    /** Starts a session on the current thread. */
    public static Syscalls open() {
        return new Syscalls();
    }

    /** {@code open(2)} of an absolute path, without {@code O_CREAT}. */
    public int open(String path, int flags) throws ErrnoException {
        MemorySegment cPath = arena.allocateFrom(path);
        int fd;
        try {
            fd = (int) LibC.OPEN.invokeExact(capture, cPath, flags, 0);
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
        MemorySegment cName = arena.allocateFrom(name);
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

    /**
     * Exactly one {@code write(2)} of the whole buffer at the descriptor's offset.
     *
     * @return the number of bytes the kernel took
     */
    public long write(int fd, byte[] data) throws ErrnoException {
        MemorySegment buffer = arena.allocate(data.length);
        MemorySegment.copy(data, 0, buffer, ValueLayout.JAVA_BYTE, 0, data.length);
        long written;
        try {
            written = (long) LibC.WRITE.invokeExact(capture, fd, buffer, (long) data.length);
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
        MemorySegment buffer = arena.allocate(Math.min(READ_CHUNK, limit));
        long total = 0;
        byte[] result = new byte[0];
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
            byte[] grown = new byte[(int) (total + n)];
            System.arraycopy(result, 0, grown, 0, (int) total);
            MemorySegment.copy(buffer, ValueLayout.JAVA_BYTE, 0, grown, (int) total, (int) n);
            result = grown;
            total += n;
        }
        return result;
    }

    /** {@code close(2)}; never retried, since Linux releases the descriptor even when close reports an error. */
    public void close(int fd) {
        try {
            int ignored = (int) LibC.CLOSE.invokeExact(capture, fd);
        } catch (Throwable t) {
            throw linkageFailure("close", t);
        }
    }

    /** {@code pidfd_send_signal(2)} through a pidfd or an open {@code /proc/<pid>} directory. */
    public void pidfdSendSignal(int pidfd, int signal) throws ErrnoException {
        long result;
        try {
            result = (long) LibC.PIDFD_SEND_SIGNAL.invokeExact(capture, LibC.pidfdSendSignalNumber(), pidfd, signal,
                    MemorySegment.NULL, 0);
        } catch (Throwable t) {
            throw linkageFailure("pidfd_send_signal", t);
        }
        if (result < 0) {
            throw failure("pidfd_send_signal");
        }
    }

    /**
     * The size of an extended attribute of a file, following symbolic links ({@code getxattr(2)} with size 0).
     *
     * @throws ErrnoException {@code ENODATA} (61) when the file has no such attribute
     */
    public long xattrSize(String path, String name) throws ErrnoException {
        MemorySegment cPath = arena.allocateFrom(path);
        MemorySegment cName = arena.allocateFrom(name);
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
        MemorySegment cPath = arena.allocateFrom(path);
        MemorySegment buffer = arena.allocate(4096);
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
        return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    }

    private int errno() {
        return (int) LibC.ERRNO.get(capture, 0L);
    }

    private ErrnoException failure(String call) {
        return new ErrnoException(call, errno());
    }

    private static IllegalStateException linkageFailure(String call, Throwable t) {
        return new IllegalStateException("native call " + call + " could not be made", t);
    }

    @Override
    public void close() {
        arena.close();
    }
}
