package dev.linx.user.internal.launch;

import dev.linx.user.internal.host.HelperPrograms;
import java.io.FileNotFoundException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Finds programs the way {@code execvp(3)} does, so that a missing one is reported before any child exists. */
final class Executables {

    private Executables() {
    }

    /** Where each helper was found; a JVM's environment cannot change, so neither can the answer. */
    private static final ConcurrentHashMap<String, String> HELPERS = new ConcurrentHashMap<>();

    /**
     * A util-linux helper ({@link HelperPrograms#UNSHARE}, {@link HelperPrograms#SETPRIV}), found where the readiness
     * report looks, or a clear error naming the package.
     */
    static String requireHelper(String name) {
        String found = HELPERS.get(name);
        if (found != null) {
            return found;
        }
        // A missing helper is not remembered: it may be installed while the JVM runs.
        found = HelperPrograms.find(name).map(Path::toString).orElseThrow(() -> notFound("'" + name
                + "' not found on the PATH or in " + HelperPrograms.SYSTEM_DIRECTORIES + ": install util-linux"));
        HELPERS.put(name, found);
        return found;
    }

    /**
     * Checks that a workload's argv[0] names an executable, as the child's {@code exec} will look it up: relative names
     * and relative PATH entries from the child's working directory.
     *
     * @param directory the child's working directory, or {@code null} for the JVM's
     */
    static void requireWorkload(String program, String path, Path directory) {
        if (find(program, path == null ? "" : path, directory == null ? Path.of("") : directory).isEmpty()) {
            throw notFound("no executable '" + program + "'" + (program.contains("/") ? "" : " on PATH " + path));
        }
    }

    private static UncheckedIOException notFound(String message) {
        return new UncheckedIOException(message, new FileNotFoundException(message));
    }

    private static Optional<Path> find(String program, String searchPath, Path workingDirectory) {
        try {
            if (program.contains("/")) {
                Path file = workingDirectory.resolve(program);
                return isExecutableFile(file) ? Optional.of(file) : Optional.empty();
            }
            for (String directory : searchPath.split(":")) {
                Path file = workingDirectory.resolve(directory).resolve(program);
                if (isExecutableFile(file)) {
                    return Optional.of(file);
                }
            }
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private static boolean isExecutableFile(Path file) {
        return Files.isRegularFile(file) && Files.isExecutable(file);
    }
}
