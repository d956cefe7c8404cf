package dev.linx.user.internal.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Takes a capability out of the calling thread's effective set with {@code capset(2)}, which changes the calling thread
 * only: a test gets a caller without the capability inside this JVM, and every other thread keeps it.
 */
public final class ThreadCapabilities {

    private static final MethodHandle CAPSET = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().findOrThrow("capset"),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), Linker.Option.captureCallState("errno"));

    private ThreadCapabilities() {
    }

    /** Clears {@code capability} (such as {@link Credentials#CAP_SETUID}) from the calling thread's effective set. */
    public static void dropEffective(int capability) {
        try (Syscalls sys = Syscalls.open()) {
            // The same layout capget(2) fills (LibC): the header, then {effective, permitted, inheritable} for
            // capabilities 0-31 and for 32-63.
            MemorySegment header = sys.allocate(LibC.CAP_HEADER_SIZE, 4);
            MemorySegment data = sys.allocate(2 * LibC.CAP_DATA_SIZE, 4);
            MemorySegment capture = sys.allocate(LibC.CAPTURE_LAYOUT.byteSize(), LibC.CAPTURE_LAYOUT.byteAlignment());
            header.set(JAVA_INT, 0, LibC.CAPABILITY_VERSION_3);
            header.set(JAVA_INT, 4, 0);
            if ((int) LibC.CAPGET.invokeExact(capture, header, data) != 0) {
                throw new ErrnoException("capget", (int) LibC.ERRNO.get(capture, 0L));
            }
            long effective = (capability / 32) * LibC.CAP_DATA_SIZE;
            data.set(JAVA_INT, effective, data.get(JAVA_INT, effective) & ~(1 << (capability % 32)));
            if ((int) CAPSET.invokeExact(capture, header, data) != 0) {
                throw new ErrnoException("capset", (int) LibC.ERRNO.get(capture, 0L));
            }
        } catch (Throwable t) {
            throw new IllegalStateException("cannot drop capability " + capability, t);
        }
    }
}
