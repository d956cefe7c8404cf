package dev.linx.user.internal.procfs;

import dev.linx.user.Errno;
import dev.linx.user.internal.sys.ErrnoException;
import dev.linx.user.internal.sys.LibC;
import dev.linx.user.internal.sys.Syscalls;
import dev.linx.user.Operation;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code /proc/<pid>} directory one verb works in: every file of the verb is opened relative to it, so all of a
 * verb's steps reach the same process. Borrowed from a {@link PinnedDir} when the pid is a parked child, opened for
 * the verb otherwise.
 */
final class ProcDir implements AutoCloseable {

    private static final int DIR_FLAGS = LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_CLOEXEC;
    private static final int MAX_READ = 64 * 1024;
    /** The names the verbs open, encoded once: the hot paths then pass them to {@code openat} as they are. */
    private static final Map<String, MemorySegment> NAMES = encode(
            Arrays.stream(Operation.values()).map(Operation::fileName).distinct().toList());

    private final Syscalls sys;
    private final int fd;
    private final PinnedDir pinned;

    private ProcDir(Syscalls sys, int fd, PinnedDir pinned) {
        this.sys = sys;
        this.fd = fd;
        this.pinned = pinned;
    }

    /**
     * Opens the directory of a pid, through its pin when it has one.
     *
     * @throws ErrnoException {@code ESRCH} when the pid was pinned but the pin was released while this verb waited for
     *         it
     */
    static ProcDir open(Syscalls sys, long pid) throws ErrnoException {
        PinnedDir pin = PinnedDir.lookup(pid);
        if (pin == null) {
            return new ProcDir(sys, sys.open("/proc/" + pid, DIR_FLAGS), null);
        }
        int pinnedFd = pin.acquire();
        if (pinnedFd < 0) {
            // close() killed the child (or proceed() let it run) after this verb found its pin; by now the pid may
            // name a process that reused it, and a verb given a parked child's pid reaches that child or nothing.
            throw new ErrnoException("open", Errno.ESRCH.code());
        }
        return new ProcDir(sys, pinnedFd, pin);
    }

    /**
     * Opens the directory of the process a handle names, refusing with {@code ESRCH} when that process is gone, even
     * if its pid now belongs to another process.
     */
    static ProcDir open(Syscalls sys, ProcessHandle process) throws ErrnoException {
        if (!process.isAlive()) {
            throw new ErrnoException("open", Errno.ESRCH.code());
        }
        ProcDir dir = open(sys, process.pid());
        // The handle's process was alive before the open and still is after it, so it held the pid throughout: the
        // descriptor is its directory. A JDK handle's isAlive() compares the pid's start time with the one it
        // recorded; the handle of a launched workload knows whether its child is reaped. (Asking the handle, rather
        // than comparing it with a fresh ProcessHandle.of(pid), works for both: handles of different implementations
        // are never equal.)
        if (!process.isAlive()) {
            dir.close();
            throw new ErrnoException("open", Errno.ESRCH.code());
        }
        return dir;
    }

    /**
     * Writes a file of the directory, from text in native memory, in exactly one {@code write(2)} at offset 0 of a
     * fresh descriptor.
     */
    void write(String name, MemorySegment text) throws ErrnoException {
        int file = openat(name, LibC.O_WRONLY | LibC.O_CLOEXEC);
        try {
            long written = sys.write(file, text);
            if (written != text.byteSize()) {
                // map_write and proc_setgroups_write take the whole text or fail; a retry would be a second write.
                throw new IllegalStateException("the kernel took " + written + " of the " + text.byteSize()
                        + " bytes written to " + name + ": a map must go in one write");
            }
        } finally {
            sys.close(file);
        }
    }

    /** Reads a whole file of the directory as ASCII text. */
    String read(String name) throws ErrnoException {
        int file = openat(name, LibC.O_RDONLY | LibC.O_CLOEXEC);
        try {
            return new String(sys.readAll(file, MAX_READ), StandardCharsets.US_ASCII);
        } finally {
            sys.close(file);
        }
    }

    private int openat(String name, int flags) throws ErrnoException {
        MemorySegment encoded = NAMES.get(name);
        return encoded != null ? sys.openat(fd, encoded, flags) : sys.openat(fd, name, flags);
    }

    private static Map<String, MemorySegment> encode(List<String> names) {
        Map<String, MemorySegment> encoded = new HashMap<>();
        for (String name : names) {
            encoded.put(name, Arena.global().allocateFrom(name));
        }
        return Map.copyOf(encoded);
    }

    /** Reads a file for a hint; {@code null} when it cannot be read. */
    String readQuietly(String name) {
        try {
            return read(name);
        } catch (ErrnoException | RuntimeException e) {
            return null;
        }
    }

    @Override
    public void close() {
        if (pinned != null) {
            pinned.release();
        } else {
            sys.close(fd);
        }
    }
}
