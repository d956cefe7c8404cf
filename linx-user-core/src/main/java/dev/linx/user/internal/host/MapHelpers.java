package dev.linx.user.internal.host;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/** Finds {@code newuidmap} and {@code newgidmap}: on the PATH, then in the system directories a minimal PATH lacks. */
public final class MapHelpers {

    /** The uid helper's name. */
    public static final String NEWUIDMAP = "newuidmap";
    /** The gid helper's name. */
    public static final String NEWGIDMAP = "newgidmap";

    private static final String SYSTEM_DIRECTORIES = "/usr/bin:/bin:/usr/sbin:/sbin";

    private MapHelpers() {
    }

    /** The helper's path on this host, if it is installed and executable. */
    public static Optional<Path> find(String name) {
        return find(name, Path.of("/"));
    }

    /**
     * The helper's path under a root directory: the directories of the PATH and the system directories, each taken
     * relative to {@code root}.
     */
    public static Optional<Path> find(String name, Path root) {
        String path = System.getenv("PATH");
        Set<String> directories = new LinkedHashSet<>();
        for (String directory : ((path == null ? "" : path + ":") + SYSTEM_DIRECTORIES).split(":")) {
            if (directory.startsWith("/")) {
                directories.add(directory);
            }
        }
        try {
            for (String directory : directories) {
                Path file = root.resolve(directory.substring(1)).resolve(name);
                if (Files.isRegularFile(file) && Files.isExecutable(file)) {
                    return Optional.of(file);
                }
            }
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}
