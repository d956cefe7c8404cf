package dev.linx.user.internal.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * Asks the kernel whether an id this thread sees as its own effective uid (gid) stands for its real one, that is,
 * whether its own ids have a mapping in its user namespace. From inside, an unmapped id reads as the overflow id
 * (65534) everywhere ({@code getuid}, {@code /proc/.../status}, {@code stat}), exactly like a mapped 65534 does, so
 * nothing that only reads can tell the two apart.
 *
 * <p>The question is put to {@code fchown(2)} on an anonymous in-memory file ({@code memfd_create(2)}, never linked
 * into any file system, closed at once): the file belongs to the caller's own ids, and changing its owner to the id
 * the caller sees as its own is always allowed, as a no-op, when that id maps back to the caller
 * ({@code chown_ok}); when it does not, the kernel refuses with {@code EINVAL} (the id maps to nothing) or
 * {@code EPERM} (it maps to someone else, and the caller's capabilities do not cover a file whose owner is unmapped).
 */
public final class IdMappingProbe {

    /** What the kernel answered for one id. */
    public enum Answer {
        /** The id the thread sees is its own: its real id is mapped in its user namespace. */
        MAPPED,
        /** The kernel refused: the thread's own id has no mapping in its user namespace. */
        UNMAPPED,
        /** The question could not be put (no {@code memfd_create}, or an unexpected errno, e.g. from a filter). */
        UNKNOWN
    }

    /**
     * The answers for the uid and the gid.
     *
     * @param uid for the effective uid
     * @param gid for the effective gid
     */
    public record Answers(Answer uid, Answer gid) {
    }

    private static final int MFD_CLOEXEC = 1;
    private static final int EPERM = 1;
    private static final int EINVAL = 22;
    private static final int UNCHANGED = -1;

    private IdMappingProbe() {
    }

    /**
     * Asks about the effective ids as this thread sees them.
     *
     * @param euid the effective uid as this thread reads it (the overflow id when unmapped)
     * @param egid the effective gid as this thread reads it
     */
    public static Answers probe(long euid, long egid) {
        Bindings bindings = Bindings.get();
        if (bindings.memfdCreate() == null) {
            return new Answers(Answer.UNKNOWN, Answer.UNKNOWN);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = arena.allocate(LibC.CAPTURE_LAYOUT);
            int fd = (int) bindings.memfdCreate().invokeExact(capture, arena.allocateFrom("linx-id-probe"),
                    MFD_CLOEXEC);
            if (fd < 0) {
                return new Answers(Answer.UNKNOWN, Answer.UNKNOWN);
            }
            try {
                return new Answers(answer(bindings, capture, fd, (int) euid, UNCHANGED),
                        answer(bindings, capture, fd, UNCHANGED, (int) egid));
            } finally {
                // A close that fails leaves nothing to undo: the file was never linked anywhere.
                int ignored = (int) LibC.CLOSE.invokeExact(capture, fd);
            }
        } catch (Throwable t) {
            throw new IllegalStateException("memfd_create/fchown failed", t);
        }
    }

    private static Answer answer(Bindings bindings, MemorySegment capture, int fd, int uid, int gid) throws Throwable {
        int result = (int) bindings.fchown().invokeExact(capture, fd, uid, gid);
        if (result == 0) {
            return Answer.MAPPED;
        }
        int errno = (int) LibC.ERRNO.get(capture, 0L);
        return errno == EPERM || errno == EINVAL ? Answer.UNMAPPED : Answer.UNKNOWN;
    }

    /**
     * The two bindings, made at first use (only a readiness report or a failed launch asks) and kept once made. Not a
     * class initialiser: one that failed would fail every later call too, where a retry may work.
     *
     * @param memfdCreate {@code memfd_create}, or {@code null} when the C library lacks it (glibc before 2.27)
     * @param fchown {@code fchown}
     */
    private record Bindings(MethodHandle memfdCreate, MethodHandle fchown) {

        private static volatile Bindings bound;

        static Bindings get() {
            Bindings bindings = bound;
            if (bindings == null) {
                Linker linker = Linker.nativeLinker();
                SymbolLookup libc = linker.defaultLookup();
                Linker.Option errno = Linker.Option.captureCallState("errno");
                bindings = new Bindings(libc.find("memfd_create").map(symbol -> linker.downcallHandle(symbol,
                        FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), errno)).orElse(null),
                        linker.downcallHandle(libc.findOrThrow("fchown"),
                                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), errno));
                bound = bindings;
            }
            return bindings;
        }
    }
}
