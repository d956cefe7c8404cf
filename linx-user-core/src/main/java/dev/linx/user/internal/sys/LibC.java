package dev.linx.user.internal.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

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
    /** {@code O_CLOEXEC}: no descriptor of ours leaks into a child the JVM starts. */
    public static final int O_CLOEXEC = 0x80000;
    /** {@code O_DIRECTORY}; its value differs between architectures. */
    public static final int O_DIRECTORY;
    /** {@code O_NOFOLLOW}; its value differs between architectures. */
    public static final int O_NOFOLLOW;

    /** {@code EINTR}. */
    public static final int EINTR = 4;
    /** {@code SIGKILL}. */
    public static final int SIGKILL = 9;

    private static final int SC_PAGESIZE = 30;
    /** The same number on every architecture but alpha, which the library does not support. */
    private static final long SYS_PIDFD_SEND_SIGNAL = 424;

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
    private static final MethodHandle SYSCONF;
    private static final MethodHandle GETEUID;
    private static final MethodHandle GETEGID;

    static {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        boolean armOrPower = arch.startsWith("aarch64") || arch.startsWith("arm") || arch.startsWith("ppc");
        O_DIRECTORY = armOrPower ? 0x4000 : 0x10000;
        O_NOFOLLOW = armOrPower ? 0x8000 : 0x20000;

        Linker linker = Linker.nativeLinker();
        SymbolLookup libc = linker.defaultLookup();
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
        SYSCONF = linker.downcallHandle(libc.findOrThrow("sysconf"), FunctionDescriptor.of(JAVA_LONG, JAVA_INT));
        GETEUID = linker.downcallHandle(libc.findOrThrow("geteuid"), FunctionDescriptor.of(JAVA_INT));
        GETEGID = linker.downcallHandle(libc.findOrThrow("getegid"), FunctionDescriptor.of(JAVA_INT));
    }

    private LibC() {
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
