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
     * Where a workload's program was last found, by program, PATH and working directory. A hit is checked again
     * (still an executable file there) rather than trusted, so a program removed since is still refused; it saves
     * the walk along the PATH, one or two {@code stat}s per directory before the one that holds it, on every start.
     * Bounded: a JVM that starts many different programs keeps the most recent ones only.
     */
    private static final int FOUND_LIMIT = 256;
    private static final ConcurrentHashMap<Lookup, Path> FOUND = new ConcurrentHashMap<>();
    private static final Path CURRENT = Path.of("");

    private record Lookup(String program, String path, Path directory) {
    }

    /**
     * The last lookup and its answer, checked before {@link #FOUND}: a service that starts one program over and over
     * (the common case) then compares three references instead of hashing a record with the whole PATH in it, at every
     * start.
     */
    private record Last(Lookup lookup, Path found) {

        boolean answers(String program, String path, Path directory) {
            return matches(lookup.program(), program) && matches(lookup.path(), path)
                    && matches(lookup.directory(), directory);
        }

        private static boolean matches(Object known, Object asked) {
            return known == asked || known.equals(asked);
        }
    }

    private static volatile Last last;

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
     * @return where it was found, as the child's {@code exec} will name it
     */
    static Path requireWorkload(String program, String path, Path directory) {
        String searchPath = path == null ? "" : path;
        Path workingDirectory = directory == null ? CURRENT : directory;
        Last recent = last;
        if (recent != null && recent.answers(program, searchPath, workingDirectory) && isExecutableFile(recent.found())) {
            return recent.found();
        }
        Lookup lookup = new Lookup(program, searchPath, workingDirectory);
        Path known = FOUND.get(lookup);
        if (known != null && isExecutableFile(known)) {
            last = new Last(lookup, known);
            return known;
        }
        Optional<Path> found = find(program, lookup.path(), lookup.directory());
        if (found.isEmpty()) {
            FOUND.remove(lookup);
            throw notFound("no executable '" + program + "'" + (program.contains("/") ? "" : " on PATH " + path));
        }
        if (FOUND.size() >= FOUND_LIMIT) {
            FOUND.clear();
        }
        FOUND.put(lookup, found.get());
        last = new Last(lookup, found.get());
        return found.get();
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
