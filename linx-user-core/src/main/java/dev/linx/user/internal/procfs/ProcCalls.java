package dev.linx.user.internal.procfs;

import dev.linx.user.Errno;
import dev.linx.user.IdMapping;
import dev.linx.user.InvalidMappingException;
import dev.linx.user.MapSetup;
import dev.linx.user.MappingStrategy;
import dev.linx.user.Operation;
import dev.linx.user.SetgroupsPolicy;
import dev.linx.user.UserNamespaceException;
import dev.linx.user.UserNamespaceException.HelperFailure;
import dev.linx.user.internal.maps.MapRules;
import dev.linx.user.internal.host.HelperPrograms;
import dev.linx.user.internal.sys.Credentials;
import dev.linx.user.internal.sys.ErrnoException;
import dev.linx.user.internal.sys.LibC;
import dev.linx.user.internal.sys.Syscalls;
import java.io.FileNotFoundException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One verb's system calls on {@code /proc/<pid>} for {@link ProcfsOperations}: open the directory, check and render,
 * one {@code write(2)} per file or the helper the strategy requires, and each refusal turned into a
 * {@link UserNamespaceException}. Apart from the verbs so that an application's start-up, which only creates the
 * operations, loads none of this.
 */
final class ProcCalls {

    private static final byte[] DENY = "deny".getBytes(StandardCharsets.US_ASCII);

    private static final Map<MappingStrategy, ProcCalls> BY_STRATEGY = new EnumMap<>(MappingStrategy.class);

    static {
        for (MappingStrategy strategy : MappingStrategy.values()) {
            BY_STRATEGY.put(strategy, new ProcCalls(strategy));
        }
    }

    private final MappingStrategy strategy;

    private volatile Rendered lastRendered;

    private ProcCalls(MappingStrategy strategy) {
        this.strategy = strategy;
    }

    /** The calls for one strategy; their only state is the last setup they rendered. */
    static ProcCalls of(MappingStrategy strategy) {
        return BY_STRATEGY.get(strategy);
    }

    String read(Target target, Operation operation) {
        try (Syscalls sys = Syscalls.open(); ProcDir dir = openDir(sys, target, operation)) {
            try {
                return dir.read(operation.fileName());
            } catch (ErrnoException e) {
                throw rejection(target, operation, e, dir, null);
            }
        }
    }

    void writeMap(Target target, Operation operation, List<IdMapping> map) {
        byte[] text = MapRules.checkAndRender(map, kind(operation));
        Optional<Path> helper = requiredHelper(operation);
        try (Syscalls sys = Syscalls.open(); ProcDir dir = openDir(sys, target, operation)) {
            writeMapFile(sys, target, dir, operation, sys.copyOf(text), map, helper);
        }
    }

    void deny(Target target) {
        try (Syscalls sys = Syscalls.open(); ProcDir dir = openDir(sys, target, Operation.DENY_SETGROUPS)) {
            write(target, dir, Operation.DENY_SETGROUPS, DenyText.SEGMENT, null);
        }
    }

    void setup(Target target, MapSetup setup) {
        Rendered text = rendered(Objects.requireNonNull(setup, "setup"));
        boolean deny = setup.setgroups() == SetgroupsPolicy.DENY;
        Operation first = deny ? Operation.DENY_SETGROUPS : Operation.SET_UID_MAP;
        // Both helpers before the first write: a missing one must not leave the setup half done.
        Optional<Path> uidHelper = requiredHelper(Operation.SET_UID_MAP);
        Optional<Path> gidHelper = requiredHelper(Operation.SET_GID_MAP);
        try (Syscalls sys = Syscalls.open(); ProcDir dir = openDir(sys, target, first)) {
            if (deny) {
                write(target, dir, Operation.DENY_SETGROUPS, DenyText.SEGMENT, null);
            }
            writeMapFile(sys, target, dir, Operation.SET_UID_MAP, text.uid(), setup.uid(), uidHelper);
            writeMapFile(sys, target, dir, Operation.SET_GID_MAP, text.gid(), setup.gid(), gidHelper);
        }
    }

    /**
     * The checked and rendered text of a setup. The last one is kept, by identity: a {@link MapSetup} is immutable,
     * and a launcher hands the same instance to every child, so its maps are checked and rendered once, not per child.
     */
    private Rendered rendered(MapSetup setup) {
        Rendered last = lastRendered;
        if (last != null && last.setup() == setup) {
            return last;
        }
        byte[] uid = MapRules.checkAndRender(setup.uid(), "uid");
        byte[] gid = MapRules.checkAndRender(setup.gid(), "gid");
        Arena arena = Arena.ofAuto();
        Rendered fresh = new Rendered(setup, arena.allocateFrom(ValueLayout.JAVA_BYTE, uid),
                arena.allocateFrom(ValueLayout.JAVA_BYTE, gid));
        lastRendered = fresh;
        return fresh;
    }

    /** A setup's two maps as written, in native memory freed with the record. */
    private record Rendered(MapSetup setup, MemorySegment uid, MemorySegment gid) {
    }

    /** One map: through the helper the strategy requires, else by this process's own write. */
    private void writeMapFile(Syscalls sys, Target target, ProcDir dir, Operation operation, MemorySegment text,
            List<IdMapping> map, Optional<Path> helper) {
        if (helper.isPresent()) {
            writeThroughHelper(target, dir, operation, helper.get(), map);
            return;
        }
        try {
            dir.write(operation.fileName(), text);
        } catch (ErrnoException e) {
            afterRefusal(sys, target, dir, operation, map, e);
        }
    }

    /** The helper every map write goes through under {@code HELPER}, found or reported missing; none otherwise. */
    private Optional<Path> requiredHelper(Operation operation) {
        if (strategy != MappingStrategy.HELPER) {
            return Optional.empty();
        }
        String name = helperName(operation);
        return Optional.of(HelperPrograms.find(name).orElseThrow(() -> new UncheckedIOException(
                "'" + name + "' not found: install the uidmap package (or use MappingStrategy.DIRECT)",
                new FileNotFoundException(name))));
    }

    /**
     * What follows a direct map write the kernel refused. Under {@code AUTO}, an {@code EPERM} for want of privilege
     * (this thread lacks {@code CAP_SETUID}, {@code CAP_SETGID} for a gid map, and the map is more than its own
     * effective id) is retried through the installed helper; the refused write changed nothing. Asking only after a
     * refusal keeps the common case (root, or a single-id map) free of extra system calls, and decides at every call
     * from the credentials the kernel has just checked. Any other refusal is reported as the kernel gave it.
     */
    private void afterRefusal(Syscalls sys, Target target, ProcDir dir, Operation operation, List<IdMapping> map,
            ErrnoException refusal) {
        if (strategy == MappingStrategy.AUTO && refusal.errno() == Errno.EPERM.code()
                && !directCanWork(sys, operation, map)) {
            Optional<Path> helper = HelperPrograms.find(helperName(operation));
            if (helper.isPresent()) {
                writeThroughHelper(target, dir, operation, helper.get(), map);
                return;
            }
        }
        throw rejection(target, operation, refusal, dir, map);
    }

    /**
     * Whether the kernel lets this thread write the map itself: it holds {@code CAP_SETUID} ({@code CAP_SETGID} for a
     * gid map), or the map is exactly its own effective id with length 1.
     */
    private static boolean directCanWork(Syscalls sys, Operation operation, List<IdMapping> map) {
        boolean uid = operation == Operation.SET_UID_MAP;
        long capabilities;
        try {
            capabilities = sys.effectiveCapabilities();
        } catch (ErrnoException e) {
            throw new IllegalStateException("capget(2) failed with errno " + e.errno(), e);
        }
        if ((capabilities & (1L << (uid ? Credentials.CAP_SETUID : Credentials.CAP_SETGID))) != 0) {
            return true;
        }
        return map.size() == 1 && map.getFirst().length() == 1
                && map.getFirst().outside() == (uid ? LibC.geteuid() : LibC.getegid());
    }

    private static String helperName(Operation operation) {
        return operation == Operation.SET_UID_MAP ? HelperPrograms.NEWUIDMAP : HelperPrograms.NEWGIDMAP;
    }

    private static void writeThroughHelper(Target target, ProcDir dir, Operation operation, Path helper,
            List<IdMapping> map) {
        checkAlive(target, dir, operation);
        HelperFailure failure = HelperWriter.write(helper, target.pid(), map);
        // Alive before and after: the process held its pid for the whole run, so the helper reached it.
        checkAlive(target, dir, operation);
        if (failure != null) {
            Path path = Path.of("/proc/" + target.pid() + "/" + operation.fileName());
            throw new UserNamespaceException(operation, path, Errno.EPERM.code(),
                    RejectionHints.helperHint(operation, dir, map, failure), failure);
        }
    }

    private static void checkAlive(Target target, ProcDir dir, Operation operation) {
        try {
            dir.read("stat");
        } catch (ErrnoException e) {
            throw rejection(target, operation, e, dir, null);
        }
    }

    private static ProcDir openDir(Syscalls sys, Target target, Operation operation) {
        try {
            return target.open(sys);
        } catch (ErrnoException e) {
            throw rejection(target, operation, e, null, null);
        }
    }

    private static void write(Target target, ProcDir dir, Operation operation, MemorySegment text,
            List<IdMapping> map) {
        try {
            dir.write(operation.fileName(), text);
        } catch (ErrnoException e) {
            throw rejection(target, operation, e, dir, map);
        }
    }

    private static UserNamespaceException rejection(Target target, Operation operation, ErrnoException failure,
            ProcDir dir, List<IdMapping> attempted) {
        Path path = Path.of("/proc/" + target.pid() + "/" + operation.fileName());
        String hint = RejectionHints.hint(operation, failure.errno(), dir, attempted);
        return new UserNamespaceException(operation, path, failure.errno(), hint);
    }

    private static String kind(Operation operation) {
        return operation == Operation.SET_UID_MAP ? "uid" : "gid";
    }

    /** The process a call targets: a pid, or a handle whose identity is checked when its directory is opened. */
    record Target(long pid, ProcessHandle handle) {

        static Target of(long pid) {
            if (pid <= 0) {
                throw new InvalidMappingException(InvalidMappingException.Reason.NOT_A_PID,
                        "not a pid: " + pid + " (a pid is a positive number)");
            }
            return new Target(pid, null);
        }

        static Target of(ProcessHandle process) {
            Objects.requireNonNull(process, "process");
            return new Target(process.pid(), process);
        }

        ProcDir open(Syscalls sys) throws ErrnoException {
            return handle == null ? ProcDir.open(sys, pid) : ProcDir.open(sys, handle);
        }
    }

    /** {@code deny} in native memory, made at the first setup rather than when an application creates its beans. */
    private static final class DenyText {
        static final MemorySegment SEGMENT = Arena.global().allocateFrom(ValueLayout.JAVA_BYTE, DENY);
    }
}
