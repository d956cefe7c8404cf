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

    /** The procfs-backed, thread-safe implementation of the verbs. */
    public static UserNamespaceOperations operations() {
        return ProcfsOperations.INSTANCE;
    }
}
