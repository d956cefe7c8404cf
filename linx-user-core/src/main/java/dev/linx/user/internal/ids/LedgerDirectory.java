package dev.linx.user.internal.ids;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Where the ledger's lock files live: {@code /run/linx-user} for root, otherwise {@code $XDG_RUNTIME_DIR/linx-user}
 * or, without a runtime directory, {@code /tmp/linx-user-<uid>}. Every process that leases from the same host ids must
 * use the same directory; one that uses another still never gets a block a live namespace maps (the kernel scan),
 * but may be handed one a live lease holds before its workload has started.
 */
final class LedgerDirectory {

    private static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rwx------");

    private LedgerDirectory() {
    }

    /** The default directory for a process with this effective uid. */
    static Path defaultFor(long euid) {
        if (euid == 0) {
            return Path.of("/run/linx-user");
        }
        String runtime = System.getenv("XDG_RUNTIME_DIR");
        if (runtime != null && !runtime.isBlank() && Path.of(runtime).isAbsolute() && ownedBy(Path.of(runtime), euid)) {
            return Path.of(runtime, "linx-user");
        }
        return Path.of("/tmp", "linx-user-" + euid);
    }

    /** Whether {@code directory} is a directory (not a link to one) owned by {@code euid}. */
    private static boolean ownedBy(Path directory, long euid) {
        try {
            return Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS) && Integer.toUnsignedLong(
                    (Integer) Files.getAttribute(directory, "unix:uid", LinkOption.NOFOLLOW_LINKS)) == euid;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /**
     * Creates the directory (mode 0700) if it is missing, and checks that it is a real directory owned by this
     * process's user that nobody else may write: another user who could add or replace lock files could take blocks
     * away from this one or make it hand out a block twice.
     *
     * @throws UncheckedIOException when it cannot be created or is not safe to use
     */
    static Path ensure(Path directory, long euid) {
        try {
            try {
                Files.createDirectories(directory.getParent());
                Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(PRIVATE));
            } catch (FileAlreadyExistsException e) {
                // Checked below like one made just now.
            }
            if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException("the id pool's ledger " + directory + " is not a directory");
            }
            int owner = (Integer) Files.getAttribute(directory, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(directory, LinkOption.NOFOLLOW_LINKS);
            if (Integer.toUnsignedLong(owner) != euid || mode.contains(PosixFilePermission.GROUP_WRITE)
                    || mode.contains(PosixFilePermission.OTHERS_WRITE)) {
                throw new IOException("the id pool's ledger " + directory + " must be owned by uid " + euid
                        + " and writable by nobody else (owner " + Integer.toUnsignedLong(owner) + ", mode "
                        + PosixFilePermissions.toString(mode) + ")");
            }
            return directory;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use the id pool's ledger " + directory + ": " + e.getMessage(), e);
        }
    }
}
