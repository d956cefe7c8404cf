package dev.linx.user.testsupport;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.Locale;

/**
 * A real seccomp filter, installed through the FFM API, that refuses {@code unshare(2)} with {@code EPERM} and allows
 * every other call: what Docker's and containerd's default profiles do to a process without {@code CAP_SYS_ADMIN}
 * (they also refuse {@code clone(2)} with namespace flags, which the namespace helper does not use). A filter cannot be
 * removed, and every thread a filtered thread starts inherits it: install it only in a probe JVM of its own.
 *
 * <p>The program: load {@code seccomp_data.arch}; another architecture is allowed; load {@code seccomp_data.nr};
 * {@code unshare} returns {@code SECCOMP_RET_ERRNO | EPERM}; everything else {@code SECCOMP_RET_ALLOW}.
 *
 * <pre>{@code
 * public static void main(String[] args) {   // a probe JVM's main, started by a test
 *     SeccompFilter.inThisProcess();
 *     ...                                    // unshare(2) now fails with EPERM, in this JVM and its children
 * }
 * }</pre>
 *
 * <p>Shared by the core's and the starter's tests: {@code test-support/java} is a test source directory of both
 * modules (build-helper-maven-plugin), so neither depends on the other's test classes and nothing is published.
 */
public final class SeccompFilter {

    private static final int PR_SET_NO_NEW_PRIVS = 38;
    private static final int SECCOMP_SET_MODE_FILTER = 1;
    private static final int SECCOMP_FILTER_FLAG_TSYNC = 1;
    private static final short LD_W_ABS = 0x20;
    private static final short JEQ_K = 0x15;
    private static final short RET_K = 0x06;
    private static final int RET_ERRNO_EPERM = 0x0005_0000 | 1;
    private static final int RET_ALLOW = 0x7fff_0000;

    /** {@code struct sock_filter}: code, jt, jf, k. */
    private static final StructLayout INSTRUCTION = MemoryLayout.structLayout(JAVA_SHORT.withName("code"),
            JAVA_BYTE.withName("jt"), JAVA_BYTE.withName("jf"), JAVA_INT.withName("k"));

    private SeccompFilter() {
    }

    /** The effective uid, from {@code /proc/thread-self/status}: a test helper of both modules uses no internals. */
    private static String effectiveUid() throws java.io.IOException {
        for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/thread-self/status"),
                java.nio.charset.StandardCharsets.ISO_8859_1)) {
            if (line.startsWith("Uid:")) {
                return line.substring(4).strip().split("\\s+")[1];
            }
        }
        throw new IllegalStateException("no Uid: line");
    }

    /** Installs the filter on every thread of this process ({@code SECCOMP_FILTER_FLAG_TSYNC}), as a runtime does. */
    public static void inThisProcess() {
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        boolean x86 = arch.equals("amd64") || arch.equals("x86_64");
        if (!x86 && !arch.equals("aarch64")) {
            throw new IllegalStateException("no seccomp test filter for " + arch);
        }
        int auditArch = x86 ? 0xC000_003E : 0xC000_00B7;
        int unshare = x86 ? 272 : 97;
        long seccompCall = x86 ? 317 : 277;
        int[][] program = {
            {LD_W_ABS, 0, 0, 4},
            {JEQ_K, 0, 3, auditArch},
            {LD_W_ABS, 0, 0, 0},
            {JEQ_K, 0, 1, unshare},
            {RET_K, 0, 0, RET_ERRNO_EPERM},
            {RET_K, 0, 0, RET_ALLOW},
        };
        Linker linker = Linker.nativeLinker();
        Linker.Option errno = Linker.Option.captureCallState("errno");
        StructLayout captureLayout = Linker.Option.captureStateLayout();
        VarHandle errnoOf = captureLayout.varHandle(MemoryLayout.PathElement.groupElement("errno"));
        MethodHandle prctl = linker.downcallHandle(linker.defaultLookup().findOrThrow("prctl"),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG), errno,
                Linker.Option.firstVariadicArg(1));
        MethodHandle syscall = linker.downcallHandle(linker.defaultLookup().findOrThrow("syscall"),
                FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT, ADDRESS), errno,
                Linker.Option.firstVariadicArg(1));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment filter = arena.allocate(INSTRUCTION, program.length);
            for (int i = 0; i < program.length; i++) {
                MemorySegment instruction = filter.asSlice(i * INSTRUCTION.byteSize(), INSTRUCTION.byteSize());
                instruction.set(JAVA_SHORT, 0, (short) program[i][0]);
                instruction.set(JAVA_BYTE, 2, (byte) program[i][1]);
                instruction.set(JAVA_BYTE, 3, (byte) program[i][2]);
                instruction.set(JAVA_INT, 4, program[i][3]);
            }
            // struct sock_fprog { unsigned short len; struct sock_filter *filter; }
            MemorySegment fprog = arena.allocate(16, 8);
            fprog.set(JAVA_SHORT, 0, (short) program.length);
            fprog.set(ADDRESS, 8, filter);
            MemorySegment capture = arena.allocate(captureLayout);
            // Without CAP_SYS_ADMIN the kernel installs a filter only for a thread that gave up gaining privileges.
            boolean root = "0".equals(effectiveUid());
            if (!root && (int) prctl.invokeExact(capture, PR_SET_NO_NEW_PRIVS, 1L, 0L, 0L, 0L) != 0) {
                throw new IllegalStateException("PR_SET_NO_NEW_PRIVS: errno " + (int) errnoOf.get(capture, 0L));
            }
            long result = (long) syscall.invokeExact(capture, seccompCall, SECCOMP_SET_MODE_FILTER,
                    SECCOMP_FILTER_FLAG_TSYNC, fprog);
            if (result != 0) {
                throw new IllegalStateException("installing the seccomp filter failed: errno "
                        + (int) errnoOf.get(capture, 0L) + " (result " + result + ")");
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
