package dev.linx.user;

import dev.linx.user.internal.procfs.ProcfsOperations;

/**
 * The entry point to the library's default implementation, in the way {@link java.nio.file.Files} is to the file
 * system.
 *
 * <pre>{@code
 * UserNamespaceOperations ops = UserNamespaces.operations();
 * if (ops.isSupported()) {
 *     List<IdMapping> mine = ops.readUidMap(ProcessHandle.current().pid());
 * }
 * }</pre>
 */
public final class UserNamespaces {

    private UserNamespaces() {
    }

    /**
     * The procfs-backed, thread-safe implementation of the verbs, with the {@link MappingStrategy#AUTO} strategy:
     * root and callers mapping only their own id write directly; an unprivileged caller mapping more goes through
     * {@code newuidmap}/{@code newgidmap} when they are installed.
     *
     * @return the operations
     */
    public static UserNamespaceOperations operations() {
        return ProcfsOperations.INSTANCE;
    }

    /**
     * The implementation with a chosen way of writing maps.
     *
     * <pre>{@code
     * UserNamespaceOperations ops = UserNamespaces.operations(MappingStrategy.parse(config.get("strategy")));
     * }</pre>
     *
     * @param strategy how maps are written
     * @return the operations
     */
    public static UserNamespaceOperations operations(MappingStrategy strategy) {
        return ProcfsOperations.of(strategy);
    }
}
