package dev.linx.user.internal.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.Locale;

/**
 * The C library functions the library calls, bound once through the Foreign Function &amp; Memory API. Every binding
 * that can fail captures {@code errno} at the call ({@link Linker.Option#captureCallState}), so the value read is the
 * one this call set, not one a later call in the JVM overwrote.
 *
 * <p>Use them through a {@link Syscalls} session, which owns the native memory a call needs.
 */
public final class LibC {

    /** {@code O_RDONLY}. */
    public static final int O_RDONLY = 0;
    /** {@code O_WRONLY}. */
    public static final int O_WRONLY = 1;
    /** {@code O_RDWR}. */
    public static final int O_RDWR = 2;
    /** {@code O_CREAT}; the same value on every architecture the library runs on. */
    public static final int O_CREAT = 0x40;
    /** {@code O_CLOEXEC}: no descriptor of ours leaks into a child the JVM starts. */
    public static final int O_CLOEXEC = 0x80000;
    /** {@code O_DIRECTORY}; its value differs between architectures. */
    public static final int O_DIRECTORY;
    /** {@code O_NOFOLLOW}; its value differs between architectures. */
    public static final int O_NOFOLLOW;

    /** {@code EAGAIN}, also {@code EWOULDBLOCK}. */
    public static final int EAGAIN = 11;
    /** {@code EINTR}. */
    public static final int EINTR = 4;
    /** {@code SIGKILL}. */
    public static final int SIGKILL = 9;
    /** {@code SIGTERM}. */
    public static final int SIGTERM = 15;
    /** {@code POLLIN}. */
    public static final short POLLIN = 0x1;
    /** {@code P_PID} for {@code waitid(2)}. */
    static final int P_PID = 1;
    /** {@code P_PIDFD} for {@code waitid(2)}. */
    static final int P_PIDFD = 3;
    /** {@code WNOHANG}. */
    static final int WNOHANG = 1;
    /** {@code WEXITED}. */
    static final int WEXITED = 4;
    /** {@code CLD_EXITED}: {@code si_status} is the exit status (else it is the signal). */
    static final int CLD_EXITED = 1;
    /** {@code POSIX_SPAWN_SETPGROUP}. */
    static final short POSIX_SPAWN_SETPGROUP = 0x02;
    /** {@code POSIX_SPAWN_SETSIGDEF}. */
    static final short POSIX_SPAWN_SETSIGDEF = 0x04;
    /** {@code POSIX_SPAWN_SETSIGMASK}. */
    static final short POSIX_SPAWN_SETSIGMASK = 0x08;
    /** {@code EPOLL_CTL_ADD}. */
    static final int EPOLL_CTL_ADD = 1;
    /** {@code EPOLL_CTL_DEL}. */
    static final int EPOLL_CTL_DEL = 2;
    /** {@code EPOLLIN}. */
    static final int EPOLLIN = 0x1;

    /**
     * {@code _LINUX_CAPABILITY_VERSION_3}: {@code capget(2)} fills two {@code struct __user_cap_data_struct} (three
     * 32-bit words each: effective, permitted, inheritable), the low and the high half of each set.
     */
    static final int CAPABILITY_VERSION_3 = 0x20080522;
    static final long CAP_HEADER_SIZE = 8;
    static final long CAP_DATA_SIZE = 12;

    private static final int SC_PAGESIZE = 30;
    /** The same number on every architecture but alpha, which the library does not support. */
    private static final long SYS_PIDFD_SEND_SIGNAL = 424;
    /** The same number on every architecture but alpha. */
    static final long SYS_PIDFD_OPEN = 434;

    /**
     * Generous upper bounds of glibc's opaque {@code posix_spawn_file_actions_t} (80 bytes on 64-bit),
     * {@code posix_spawnattr_t} (336) and {@code sigset_t} (128): only their address is ever passed.
     */
    static final long SPAWN_FILE_ACTIONS_SIZE = 256;
    static final long SPAWN_ATTR_SIZE = 1024;
    static final long SIGSET_SIZE = 256;
    /** {@code siginfo_t} is 128 bytes; {@code si_code} at 8, {@code si_pid} at 16, {@code si_status} at 24. */
    static final long SIGINFO_SIZE = 128;
    static final long SIGINFO_CODE = 8;
    static final long SIGINFO_PID = 16;
    static final long SIGINFO_STATUS = 24;
    /** {@code struct epoll_event} is packed on x86-64 (12 bytes), naturally aligned elsewhere (16). */
    static final long EPOLL_EVENT_SIZE;
    static final long EPOLL_EVENT_DATA;

    /**
     * The C library. Looked up by its soname rather than through {@link Linker#defaultLookup()}: glibc is already
     * loaded, so {@code dlopen} finds it without opening a file, and this works with the descriptor table full. The
     * JDK's default lookup opens a library of its own at the JVM's first use of it and, should that fail
     * ({@code EMFILE}), finds no symbol at all for the JVM's life.
     */
    static final SymbolLookup LIBC = libc();

    static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    static final VarHandle ERRNO = CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    static final MethodHandle OPEN;
    static final MethodHandle OPENAT;
    static final MethodHandle READ;
    static final MethodHandle WRITE;
    static final MethodHandle CLOSE;
    static final MethodHandle PIDFD_SEND_SIGNAL;
    static final MethodHandle GETXATTR;
    static final MethodHandle READLINK;
    static final MethodHandle CAPGET;
    private static final MethodHandle SYSCONF;
    private static final MethodHandle GETEUID;
    private static final MethodHandle GETEGID;

    static {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        boolean armOrPower = arch.startsWith("aarch64") || arch.startsWith("arm") || arch.startsWith("ppc");
        O_DIRECTORY = armOrPower ? 0x4000 : 0x10000;
        O_NOFOLLOW = armOrPower ? 0x8000 : 0x20000;

        Linker linker = Linker.nativeLinker();
        SymbolLookup libc = LIBC;
        Linker.Option errno = Linker.Option.captureCallState("errno");
        OPEN = linker.downcallHandle(libc.findOrThrow("open"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
                errno, Linker.Option.firstVariadicArg(2));
        OPENAT = linker.downcallHandle(libc.findOrThrow("openat"),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
                errno, Linker.Option.firstVariadicArg(3));
        READ = linker.downcallHandle(libc.findOrThrow("read"),
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), errno);
        WRITE = linker.downcallHandle(libc.findOrThrow("write"),
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), errno);
        CLOSE = linker.downcallHandle(libc.findOrThrow("close"),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT), errno);
        // Through syscall(2): glibc before 2.36 has no pidfd_send_signal wrapper.
        PIDFD_SEND_SIGNAL = linker.downcallHandle(libc.findOrThrow("syscall"),
                FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT),
                errno, Linker.Option.firstVariadicArg(1));
        GETXATTR = linker.downcallHandle(libc.findOrThrow("getxattr"),
                FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG), errno);
        READLINK = linker.downcallHandle(libc.findOrThrow("readlink"),
                FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG), errno);
        CAPGET = linker.downcallHandle(libc.findOrThrow("capget"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), errno);
        boolean x86 = arch.equals("amd64") || arch.equals("x86_64");
        EPOLL_EVENT_SIZE = x86 ? 12 : 16;
        EPOLL_EVENT_DATA = x86 ? 4 : 8;
        SYSCONF = linker.downcallHandle(libc.findOrThrow("sysconf"), FunctionDescriptor.of(JAVA_LONG, JAVA_INT));
        GETEUID = linker.downcallHandle(libc.findOrThrow("geteuid"), FunctionDescriptor.of(JAVA_INT));
        GETEGID = linker.downcallHandle(libc.findOrThrow("getegid"), FunctionDescriptor.of(JAVA_INT));
    }

    /**
     * The calls only the launcher makes, bound at its first use rather than with the rest: every binding costs
     * start-up time, and an application that never launches should not pay for these.
     */
    static final class Launch {
        static final MethodHandle PIPE2;
        static final MethodHandle POLL;
        static final MethodHandle WAITID;
        static final MethodHandle KILL;
        static final MethodHandle PIDFD_OPEN;
        static final MethodHandle EPOLL_CREATE1;
        static final MethodHandle EPOLL_CTL;
        static final MethodHandle EPOLL_WAIT;
        static final MethodHandle POSIX_SPAWN;
        static final MethodHandle SPAWN_FILE_ACTIONS_INIT;
        static final MethodHandle SPAWN_FILE_ACTIONS_DESTROY;
        static final MethodHandle SPAWN_FILE_ACTIONS_ADDDUP2;
        static final MethodHandle SPAWN_FILE_ACTIONS_ADDCLOSEFROM;
        static final MethodHandle SPAWN_FILE_ACTIONS_ADDCHDIR;
        static final MethodHandle SPAWNATTR_INIT;
        static final MethodHandle SPAWNATTR_DESTROY;
        static final MethodHandle SPAWNATTR_SETFLAGS;
        static final MethodHandle SPAWNATTR_SETSIGMASK;
        static final MethodHandle SPAWNATTR_SETPGROUP;
        static final MethodHandle SPAWNATTR_SETSIGDEFAULT;
        static final MethodHandle SIGEMPTYSET;
        static final MethodHandle SIGFILLSET;
        /** The name of a function the C library lacks, or {@code null}. */
        static final String MISSING;

        static {
            Linker linker = Linker.nativeLinker();
            SymbolLookup libc = LIBC;
            Linker.Option errno = Linker.Option.captureCallState("errno");
            PIPE2 = linker.downcallHandle(libc.findOrThrow("pipe2"),
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), errno);
            POLL = linker.downcallHandle(libc.findOrThrow("poll"),
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), errno);
            WAITID = linker.downcallHandle(libc.findOrThrow("waitid"),
                    FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), errno);
            KILL = linker.downcallHandle(libc.findOrThrow("kill"),
                    FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), errno);
            PIDFD_OPEN = linker.downcallHandle(libc.findOrThrow("syscall"),
                    FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT),
                    errno, Linker.Option.firstVariadicArg(1));
            EPOLL_CREATE1 = linker.downcallHandle(libc.findOrThrow("epoll_create1"),
                    FunctionDescriptor.of(JAVA_INT, JAVA_INT), errno);
            EPOLL_CTL = linker.downcallHandle(libc.findOrThrow("epoll_ctl"),
                    FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS), errno);
            EPOLL_WAIT = linker.downcallHandle(libc.findOrThrow("epoll_wait"),
                    FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), errno);
            // posix_spawn and its helpers return the error number instead of setting errno.
            POSIX_SPAWN = linker.downcallHandle(libc.findOrThrow("posix_spawn"),
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
            SPAWN_FILE_ACTIONS_INIT = linker.downcallHandle(libc.findOrThrow("posix_spawn_file_actions_init"),
                    FunctionDescriptor.of(JAVA_INT, ADDRESS));
            SPAWN_FILE_ACTIONS_DESTROY = linker.downcallHandle(libc.findOrThrow("posix_spawn_file_actions_destroy"),
                    FunctionDescriptor.of(JAVA_INT, ADDRESS));
            SPAWN_FILE_ACTIONS_ADDDUP2 = linker.downcallHandle(libc.findOrThrow("posix_spawn_file_actions_adddup2"),
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
            // glibc 2.34 and later: closes every descriptor the JVM may have left inheritable, in the child only.
            // The two newest (glibc 2.34 and 2.29): a C library without them gets a clear error at launch, not here.
            String closefrom = "posix_spawn_file_actions_addclosefrom_np";
            String chdir = "posix_spawn_file_actions_addchdir_np";
            SPAWN_FILE_ACTIONS_ADDCLOSEFROM = libc.find(closefrom).map(symbol -> linker.downcallHandle(symbol,
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT))).orElse(null);
            SPAWN_FILE_ACTIONS_ADDCHDIR = libc.find(chdir).map(symbol -> linker.downcallHandle(symbol,
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS))).orElse(null);
            MISSING = SPAWN_FILE_ACTIONS_ADDCLOSEFROM == null ? closefrom
                    : SPAWN_FILE_ACTIONS_ADDCHDIR == null ? chdir : null;
            SPAWNATTR_INIT = linker.downcallHandle(libc.findOrThrow("posix_spawnattr_init"),
                    FunctionDescriptor.of(JAVA_INT, ADDRESS));
            SPAWNATTR_DESTROY = linker.downcallHandle(libc.findOrThrow("posix_spawnattr_destroy"),
                    FunctionDescriptor.of(JAVA_INT, ADDRESS));
            SPAWNATTR_SETFLAGS = linker.downcallHandle(libc.findOrThrow("posix_spawnattr_setflags"),
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_SHORT));
            SPAWNATTR_SETSIGMASK = linker.downcallHandle(libc.findOrThrow("posix_spawnattr_setsigmask"),
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
            SPAWNATTR_SETPGROUP = linker.downcallHandle(libc.findOrThrow("posix_spawnattr_setpgroup"),
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
            SPAWNATTR_SETSIGDEFAULT = linker.downcallHandle(libc.findOrThrow("posix_spawnattr_setsigdefault"),
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
            SIGEMPTYSET = linker.downcallHandle(libc.findOrThrow("sigemptyset"),
                    FunctionDescriptor.of(JAVA_INT, ADDRESS));
            SIGFILLSET = linker.downcallHandle(libc.findOrThrow("sigfillset"),
                    FunctionDescriptor.of(JAVA_INT, ADDRESS));
        }

        private Launch() {
        }
    }

    /**
     * The calls only the id pool's ledger makes, bound at its first use like {@link Launch}: {@code flock(2)} for the
     * ledger's global lock, open-file-description byte-range locks ({@code fcntl(2)} {@code F_OFD_*}) for each held
     * block, which the kernel drops when the holding process dies, and the writes of the ledger's history.
     */
    static final class Ledger {
        static final int LOCK_EX = 2;
        static final int F_OFD_GETLK = 36;
        static final int F_OFD_SETLK = 37;
        static final short F_WRLCK = 1;
        static final short F_UNLCK = 2;
        static final short SEEK_SET = 0;
        static final int EACCES = 13;
        /** {@code struct flock}: {@code l_type} at 0, {@code l_whence} at 2, {@code l_start} at 8, {@code l_len} at 16. */
        static final long FLOCK_SIZE = 32;
        static final long FLOCK_START = 8;
        static final long FLOCK_LEN = 16;
        static final MethodHandle FLOCK;
        static final MethodHandle FCNTL;
        static final MethodHandle PWRITE;
        static final MethodHandle FTRUNCATE;

        static {
            Linker linker = Linker.nativeLinker();
            SymbolLookup libc = linker.defaultLookup();
            Linker.Option errno = Linker.Option.captureCallState("errno");
            FLOCK = linker.downcallHandle(libc.findOrThrow("flock"),
                    FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), errno);
            FCNTL = linker.downcallHandle(libc.findOrThrow("fcntl"),
                    FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS),
                    errno, Linker.Option.firstVariadicArg(2));
            PWRITE = linker.downcallHandle(libc.findOrThrow("pwrite"),
                    FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG), errno);
            FTRUNCATE = linker.downcallHandle(libc.findOrThrow("ftruncate"),
                    FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG), errno);
        }

        private Ledger() {
        }
    }

    private LibC() {
    }

    private static SymbolLookup libc() {
        try {
            return SymbolLookup.libraryLookup("libc.so.6", Arena.global());
        } catch (IllegalArgumentException e) {
            // Not glibc: the launcher then refuses to start (see Launch.MISSING), the procfs verbs still work.
            return Linker.nativeLinker().defaultLookup();
        }
    }

    static long pidfdSendSignalNumber() {
        return SYS_PIDFD_SEND_SIGNAL;
    }

    /** The memory page size; the kernel refuses a map write of this many bytes or more. */
    public static int pageSize() {
        try {
            long size = (long) SYSCONF.invokeExact(SC_PAGESIZE);
            return size > 0 ? (int) size : 4096;
        } catch (Throwable t) {
            throw new IllegalStateException("sysconf(_SC_PAGESIZE) failed", t);
        }
    }

    /** This process's effective user id, as an unsigned number. */
    public static long geteuid() {
        try {
            return Integer.toUnsignedLong((int) GETEUID.invokeExact());
        } catch (Throwable t) {
            throw new IllegalStateException("geteuid() failed", t);
        }
    }

    /** This process's effective group id, as an unsigned number. */
    public static long getegid() {
        try {
            return Integer.toUnsignedLong((int) GETEGID.invokeExact());
        } catch (Throwable t) {
            throw new IllegalStateException("getegid() failed", t);
        }
    }
}
