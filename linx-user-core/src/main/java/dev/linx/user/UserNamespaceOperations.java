package dev.linx.user;

import java.nio.file.Path;
import java.util.List;

/**
 * The user-namespace verbs: read and write a process's {@code uid_map}, {@code gid_map} and {@code setgroups}.
 *
 * <p>Writes are the kernel's write-once, all-or-nothing operations: each map reaches the kernel in a single
 * {@code write(2)} at offset 0, after the whole input has been validated. A caller mistake is an
 * {@link InvalidMappingException} and nothing is written; a kernel rejection is a {@link UserNamespaceException} with
 * the exact {@code errno}. Get the default implementation from {@link UserNamespaces#operations()}; it is thread-safe.
 * A map written through {@code newuidmap}/{@code newgidmap} ({@link MappingStrategy}) can also end in an
 * {@link java.io.UncheckedIOException}: the helper could not be started, or the library had to kill it (it did not
 * finish within 30 s, or the calling thread was interrupted: an {@link java.io.InterruptedIOException}, the interrupt
 * kept). Whether a killed helper wrote the map is unknown; start a new child.
 *
 * <pre>{@code
 * UserNamespaceOperations ops = UserNamespaces.operations();
 * try (ParkedProcess child = ParkedProcess.start(List.of("id"), Set.of(Namespace.USER))) {
 *     ops.setupMaps(child.hostPid(), MapSetup.rootless());   // deny setgroups, uid_map, gid_map
 *     ops.readUidMap(child.hostPid());                        // [IdMapping<0 -> 1000>]
 *     Process id = child.proceed();                           // prints uid=0(root) gid=0(root) ...
 * }
 * }</pre>
 *
 * <p>Every verb refuses a pid that is not positive ({@link InvalidMappingException.Reason#NOT_A_PID}). The overloads
 * taking a {@link ProcessHandle} also refuse, with {@link Errno#ESRCH}, a handle whose process is gone, even if its pid
 * has been reused since. They tell processes apart by pid and start time, which the kernel records in clock ticks
 * (usually 10 ms): a pid reused within the same tick cannot be told apart. A {@link ParkedProcess} has no such limit:
 * its pid is pinned to the child for as long as it is parked.
 */
public interface UserNamespaceOperations {

    /**
     * Whether this kernel has user namespaces: {@code /proc/self/uid_map} exists.
     *
     * @return {@code true} when user namespaces exist on this kernel
     */
    boolean isSupported();

    /**
     * Reads {@code /proc/<pid>/uid_map}, as seen from this process's namespace. An unwritten map is an empty list;
     * lines that do not parse are skipped.
     *
     * @param pid the host pid of the process whose map to read
     * @return the map, in the kernel's order
     * @throws UserNamespaceException with operation {@link Operation#READ_UID_MAP}, e.g. {@code ENOENT} for a dead pid
     */
    List<IdMapping> readUidMap(long pid);

    /**
     * Reads {@code /proc/<pid>/gid_map}; see {@link #readUidMap(long)}.
     *
     * @param pid the host pid of the process whose map to read
     * @return the map, in the kernel's order
     * @throws UserNamespaceException with operation {@link Operation#READ_GID_MAP}
     */
    List<IdMapping> readGidMap(long pid);

    /**
     * Reads {@code /proc/<pid>/setgroups}.
     *
     * @param pid the host pid of the process to read
     * @return what the file reads, {@link SetgroupsState#ALLOW} or {@link SetgroupsState#DENY}
     * @throws UserNamespaceException with operation {@link Operation#READ_SETGROUPS}
     */
    SetgroupsState readSetgroups(long pid);

    /**
     * Validates the map, then writes it to {@code /proc/<pid>/uid_map} in one write. The kernel accepts one write per
     * namespace: a second one is {@code EPERM}.
     *
     * @param pid the host pid of a process whose uid map is unwritten
     * @param map the map to write
     * @throws InvalidMappingException for a caller mistake; nothing is written
     * @throws UserNamespaceException with operation {@link Operation#SET_UID_MAP} when the kernel refuses
     */
    void setUidMap(long pid, List<IdMapping> map);

    /**
     * Validates the map, then writes it to {@code /proc/<pid>/gid_map} in one write. An unprivileged writer must
     * {@linkplain #denySetgroups(long) deny setgroups} first.
     *
     * @param pid the host pid of a process whose gid map is unwritten
     * @param map the map to write
     * @throws InvalidMappingException for a caller mistake; nothing is written
     * @throws UserNamespaceException with operation {@link Operation#SET_GID_MAP} when the kernel refuses
     */
    void setGidMap(long pid, List<IdMapping> map);

    /**
     * Writes {@code deny} to {@code /proc/<pid>/setgroups}. Repeatable until the gid map is written; {@code EPERM}
     * after that (the kernel's rule).
     *
     * @param pid the host pid of the process
     * @throws UserNamespaceException with operation {@link Operation#DENY_SETGROUPS} when the kernel refuses
     */
    void denySetgroups(long pid);

    /**
     * The whole checkpoint dance: validates both maps, then denies setgroups (unless the policy is
     * {@link SetgroupsPolicy#SKIP}), writes the uid map, then the gid map. Stops at the first failure; steps already
     * done stay done (the kernel cannot undo them), and the exception's {@link UserNamespaceException#operation()}
     * names the step that failed.
     *
     * @param pid the host pid of a parked process whose maps are unwritten
     * @param setup the maps and policy
     * @throws InvalidMappingException when either map is invalid; nothing is written
     * @throws UserNamespaceException when the kernel refuses a step
     */
    void setupMaps(long pid, MapSetup setup);

    /**
     * {@link #readUidMap(long)} for the process a handle names, refusing a handle whose process is gone.
     *
     * @param process the process
     * @return the map, in the kernel's order
     */
    default List<IdMapping> readUidMap(ProcessHandle process) {
        return readUidMap(alivePid(process, Operation.READ_UID_MAP));
    }

    /**
     * {@link #readGidMap(long)} for the process a handle names, refusing a handle whose process is gone.
     *
     * @param process the process
     * @return the map, in the kernel's order
     */
    default List<IdMapping> readGidMap(ProcessHandle process) {
        return readGidMap(alivePid(process, Operation.READ_GID_MAP));
    }

    /**
     * {@link #readSetgroups(long)} for the process a handle names, refusing a handle whose process is gone.
     *
     * @param process the process
     * @return what the file reads, {@link SetgroupsState#ALLOW} or {@link SetgroupsState#DENY}
     */
    default SetgroupsState readSetgroups(ProcessHandle process) {
        return readSetgroups(alivePid(process, Operation.READ_SETGROUPS));
    }

    /**
     * {@link #setUidMap(long, List)} for the process a handle names, refusing a handle whose process is gone.
     *
     * @param process the process
     * @param map the map to write
     */
    default void setUidMap(ProcessHandle process, List<IdMapping> map) {
        setUidMap(alivePid(process, Operation.SET_UID_MAP), map);
    }

    /**
     * {@link #setGidMap(long, List)} for the process a handle names, refusing a handle whose process is gone.
     *
     * @param process the process
     * @param map the map to write
     */
    default void setGidMap(ProcessHandle process, List<IdMapping> map) {
        setGidMap(alivePid(process, Operation.SET_GID_MAP), map);
    }

    /**
     * {@link #denySetgroups(long)} for the process a handle names, refusing a handle whose process is gone.
     *
     * @param process the process
     */
    default void denySetgroups(ProcessHandle process) {
        denySetgroups(alivePid(process, Operation.DENY_SETGROUPS));
    }

    /**
     * {@link #setupMaps(long, MapSetup)} for the process a handle names, refusing a handle whose process is gone.
     *
     * @param process the process
     * @param setup the maps and policy
     */
    default void setupMaps(ProcessHandle process, MapSetup setup) {
        boolean deny = setup == null || setup.setgroups() == SetgroupsPolicy.DENY;
        setupMaps(alivePid(process, deny ? Operation.DENY_SETGROUPS : Operation.SET_UID_MAP), setup);
    }

    /**
     * The pid of a live process, for implementations that only have the {@code long} verbs; the default implementation
     * overrides every handle overload to keep the handle's identity for the whole call.
     *
     * @throws UserNamespaceException with {@link Errno#ESRCH} when the process is gone
     */
    private static long alivePid(ProcessHandle process, Operation operation) {
        if (!process.isAlive()) {
            throw new UserNamespaceException(operation, Path.of("/proc/" + process.pid() + "/" + operation.fileName()),
                    Errno.ESRCH.code(), "the process is gone");
        }
        return process.pid();
    }
}
