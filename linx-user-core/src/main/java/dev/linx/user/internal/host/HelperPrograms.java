package dev.linx.user.internal.host;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Finds the programs linx-user runs: util-linux {@code unshare} and {@code setpriv}, shadow's {@code newuidmap} and
 * {@code newgidmap}. They are looked up in the PATH's absolute directories, then in the system directories a service's
 * minimal PATH often lacks; the readiness report and the code that runs them search alike, so the report finds what a
 * launch will run.
 */
public final class HelperPrograms {

    /** util-linux's program that creates the child's namespaces and parks it. */
    public static final String UNSHARE = "unshare";
    /** util-linux's program that runs a command with other ids. */
    public static final String SETPRIV = "setpriv";
    /** The uid helper's name. */
    public static final String NEWUIDMAP = "newuidmap";
    /** The gid helper's name. */
    public static final String NEWGIDMAP = "newgidmap";

    /** Searched after the PATH: a service's PATH is often minimal. */
    public static final String SYSTEM_DIRECTORIES = "/usr/bin:/bin:/usr/sbin:/sbin";

    private HelperPrograms() {
    }

    /** The program's path on this host, if it is installed and executable. */
    public static Optional<Path> find(String name) {
        return find(name, Path.of("/"));
    }

    /**
     * The program's path under a root directory: the directories of the PATH and the system directories, each taken
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
