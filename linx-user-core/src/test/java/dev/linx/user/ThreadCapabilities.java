package dev.linx.user;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Takes a capability out of the calling thread's effective set with {@code capset(2)}, which changes the calling thread
 * only: a test gets a caller without the capability inside this JVM, and every other thread keeps it.
 */
final class ThreadCapabilities {

    static final int CAP_SETUID = 7;

    private static final int VERSION_3 = 0x20080522;
    private static final MethodHandle CAPGET;
    private static final MethodHandle CAPSET;

    static {
        Linker linker = Linker.nativeLinker();
        FunctionDescriptor headerAndData = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS);
        CAPGET = linker.downcallHandle(linker.defaultLookup().findOrThrow("capget"), headerAndData);
        CAPSET = linker.downcallHandle(linker.defaultLookup().findOrThrow("capset"), headerAndData);
    }

    private ThreadCapabilities() {
    }

    static void dropEffective(int capability) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment header = arena.allocate(8, 4);
            header.set(JAVA_INT, 0, VERSION_3);
            header.set(JAVA_INT, 4, 0);
            // Two structs of {effective, permitted, inheritable}: capabilities 0-31, then 32-63.
            MemorySegment data = arena.allocate(24, 4);
            if ((int) CAPGET.invokeExact(header, data) != 0) {
                throw new IllegalStateException("capget failed");
            }
            long effective = (capability / 32) * 12L;
            data.set(JAVA_INT, effective, data.get(JAVA_INT, effective) & ~(1 << (capability % 32)));
            if ((int) CAPSET.invokeExact(header, data) != 0) {
                throw new IllegalStateException("capset failed");
            }
        } catch (Throwable t) {
            throw t instanceof RuntimeException r ? r : new IllegalStateException(t);
        }
    }
}
