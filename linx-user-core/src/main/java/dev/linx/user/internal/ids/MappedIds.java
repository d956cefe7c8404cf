package dev.linx.user.internal.ids;

import dev.linx.user.IdMapping;
import dev.linx.user.IdRange;
import dev.linx.user.internal.maps.MapText;
import dev.linx.user.internal.sys.ErrnoException;
import dev.linx.user.internal.sys.LibC;
import dev.linx.user.internal.sys.Syscalls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The kernel as the ledger: the host ids that the user namespaces of live processes map outside, read from every
 * {@code /proc/<pid>/uid_map} and {@code gid_map}. A namespace made by another tool, or by a JVM that was killed
 * with its workloads still running, keeps its ids here until its last process is gone, whatever any lock file says.
 *
 * <p>The namespace this JVM runs in is left out: its map is its parent's view, not ids handed out from this one.
 * Each other namespace is read once, through the first process found in it ({@code /proc/<pid>/ns/user} names it);
 * where that link cannot be read (an unprivileged JVM looking at another user's process), the process's maps are
 * read all the same and a map that reads exactly like this JVM's own is taken for this JVM's namespace.
 *
 * @param uids the outside uid ranges of every live namespace but this JVM's
 * @param gids the outside gid ranges of every live namespace but this JVM's
 */
record MappedIds(List<IdRange> uids, List<IdRange> gids) {

    private static final int MAX_MAP = 64 * 1024;
    private static final int ENOENT = 2;
    private static final int ESRCH = 3;
    private static final int EACCES = 13;

    MappedIds {
        uids = List.copyOf(uids);
        gids = List.copyOf(gids);
    }

    /** Reads the maps of every live process now. */
    static MappedIds scan() {
        List<IdRange> uids = new ArrayList<>();
        List<IdRange> gids = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        Maps self = Maps.of("self", seen);
        for (String entry : processes()) {
            if (entry.isEmpty() || !Character.isDigit(entry.charAt(0))) {
                continue;
            }
            Maps process = Maps.of(entry, seen);
            if (process == null || process.uid == null || process.gid == null
                    || (process.namespace == null && process.uid.equals(self.uid) && process.gid.equals(self.gid))) {
                continue;   // a namespace read already, gone meanwhile, or this JVM's own seen without its link
            }
            addOutside(process.uid, uids);
            addOutside(process.gid, gids);
        }
        return new MappedIds(uids, gids);
    }

    /** The namespace link and the two maps of one process; a link or map that cannot be read is {@code null}. */
    private record Maps(String namespace, String uid, String gid) {

        /**
         * Reads a process, or returns {@code null} when its namespace is in {@code seen} already (and adds it
         * otherwise). One session per process: a session gives its scratch memory back only when it closes.
         */
        static Maps of(String pid, Set<String> seen) {
            try (Syscalls sys = Syscalls.open()) {
                String namespace = namespaceOf(sys, pid);
                if (namespace != null && !seen.add(namespace)) {
                    return null;
                }
                return new Maps(namespace, read(sys, "/proc/" + pid + "/uid_map"),
                        read(sys, "/proc/" + pid + "/gid_map"));
            }
        }
    }

    /**
     * The names in {@code /proc}. A listing that fails is an error, never an empty host: a block a live namespace
     * maps must not look free because the scan could not look.
     */
    private static List<String> processes() {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(Path.of("/proc"))) {
            for (Path entry : entries) {
                names.add(entry.getFileName().toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list /proc to read the live namespaces' maps: " + e.getMessage(), e);
        }
        return names;
    }

    /** Whether any live namespace maps an id of either block. */
    boolean touches(IdRange uidBlock, IdRange gidBlock) {
        return uids.stream().anyMatch(uidBlock::overlaps) || gids.stream().anyMatch(gidBlock::overlaps);
    }

    private static void addOutside(String map, List<IdRange> into) {
        for (IdMapping m : MapText.parseMap(map)) {
            // 4294967295 is how a reader sees an outside id its own namespace does not map: nothing it can lease.
            if (m.outside() <= IdMapping.MAX_ID) {
                into.add(new IdRange(m.outside(), Math.min(m.length(), IdMapping.ID_LIMIT - m.outside())));
            }
        }
    }

    /** The process's user namespace link, or {@code null} when this JVM may not read it (another user's). */
    private static String namespaceOf(Syscalls sys, String pid) {
        try {
            return sys.readlink("/proc/" + pid + "/ns/user");
        } catch (ErrnoException e) {
            if (e.errno() == EACCES || gone(e)) {
                return null;
            }
            throw failure("/proc/" + pid + "/ns/user", e);
        }
    }

    /** A map's text, or {@code null} when the process is gone. Any other failure is an error, as for the listing. */
    private static String read(Syscalls sys, String path) {
        int fd;
        try {
            fd = sys.open(path, LibC.O_RDONLY | LibC.O_CLOEXEC);
        } catch (ErrnoException e) {
            if (gone(e)) {
                return null;
            }
            throw failure(path, e);
        }
        try {
            return new String(sys.readAll(fd, MAX_MAP), StandardCharsets.US_ASCII);
        } catch (ErrnoException e) {
            if (gone(e)) {
                return null;
            }
            throw failure(path, e);
        } finally {
            sys.close(fd);
        }
    }

    private static boolean gone(ErrnoException e) {
        return e.errno() == ENOENT || e.errno() == ESRCH;
    }

    private static UncheckedIOException failure(String path, ErrnoException e) {
        String message = "cannot read the live namespaces' maps: errno " + e.errno() + " on " + path;
        return new UncheckedIOException(message, new IOException(message, e));
    }
}
