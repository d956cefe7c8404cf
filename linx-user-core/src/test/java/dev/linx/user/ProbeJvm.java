package dev.linx.user;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A copy of the compiled classes any user can read, and a way to run a probe's {@code main} from them in a JVM of its
 * own, behind a command prefix ({@code setpriv ...} for another user, {@code unshare ...} for a wrapping namespace).
 */
final class ProbeJvm implements AutoCloseable {

    private final Path classes;
    private final String classpath;
    private final boolean copied;

    private ProbeJvm(Path classes, String classpath, boolean copied) {
        this.classes = classes;
        this.classpath = classpath;
        this.copied = copied;
    }

    /** The build's own class directories, for probes that run as root (nothing to copy, nothing to delete). */
    static ProbeJvm inPlace() throws Exception {
        Path main = location(UserNamespaces.class);
        return new ProbeJvm(main, main + ":" + location(ProbeJvm.class), false);
    }

    /** Copies the main and test classes to a world-readable temporary directory. */
    private static ProbeJvm copyClasses() throws Exception {
        Path classes = Files.createTempDirectory("linx-probe-");
        copyTree(location(UserNamespaces.class), classes.resolve("main"));
        copyTree(location(ProbeJvm.class), classes.resolve("test"));
        try (Stream<Path> all = Files.walk(classes)) {
            for (Path p : all.toList()) {
                Files.setPosixFilePermissions(p,
                        PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        return new ProbeJvm(classes, classes.resolve("main") + ":" + classes.resolve("test"), true);
    }

    /** Runs {@code prefix java -cp ... main args}, requires exit status 0, and returns its stdout lines. */
    List<String> run(List<String> prefix, Class<?> main, String... args) throws Exception {
        return output(start(prefix, main, args));
    }

    /** Reads the probe's output to its end, requires exit status 0, and returns its stdout lines. */
    static List<String> output(Process probe) throws Exception {
        String out = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(probe.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(probe.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(probe.exitValue()).as("probe exit; stdout:\n" + out + "\nstderr:\n" + err).isZero();
        return out.lines().toList();
    }

    /** Starts {@code prefix java -cp ... main args} and returns it running: the caller waits for it, or kills it. */
    Process start(List<String> prefix, Class<?> main, String... args) throws IOException {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(command(main, args));
        return new ProcessBuilder(command).directory(classes.toFile()).start();
    }

    /** {@code java -cp ... main args}, to be started from {@link #directory()} by other means. */
    List<String> command(Class<?> main, String... args) {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "-XX:-UsePerfData", "--enable-native-access=ALL-UNNAMED", "-cp", classpath, main.getName()));
        command.addAll(List.of(args));
        return command;
    }

    /** The directory the classes were copied to (or the main classes, in place). */
    Path directory() {
        return classes;
    }

    /**
     * A copy of the classes for one test class, made before its first test and removed after its last: the build tree
     * may sit under a directory another user cannot enter (e.g. {@code /root}).
     *
     * <pre>{@code
     * @RegisterExtension
     * static final ProbeJvm.Copied jvm = new ProbeJvm.Copied();
     * ...
     * jvm.run(ProbeJvm.as(65534, 65534), SomeProbe.class, "args");
     * }</pre>
     */
    static final class Copied implements BeforeAllCallback, AfterAllCallback {

        private ProbeJvm copy;
        // @Nested classes call back too: the copy lives from the outermost class's start to its end.
        private int depth;

        @Override
        public void beforeAll(ExtensionContext context) throws Exception {
            if (depth++ == 0) {
                copy = copyClasses();
            }
        }

        @Override
        public void afterAll(ExtensionContext context) throws IOException {
            if (--depth == 0) {
                copy.close();
                copy = null;
            }
        }

        /** {@link ProbeJvm#command} from the copy. */
        List<String> command(Class<?> main, String... args) {
            return copy.command(main, args);
        }

        /** {@link ProbeJvm#directory} of the copy. */
        Path directory() {
            return copy.directory();
        }

        /** {@link ProbeJvm#start} from the copy. */
        Process start(List<String> prefix, Class<?> main, String... args) throws IOException {
            return copy.start(prefix, main, args);
        }

        /** {@link ProbeJvm#run} from the copy. */
        List<String> run(List<String> prefix, Class<?> main, String... args) throws Exception {
            return copy.run(prefix, main, args);
        }

        /** The copy itself, for a caller that starts the probe by other means ({@link PodNamespace}). */
        ProbeJvm copy() {
            return copy;
        }
    }

    /** The prefix that runs a command as another host user, with no supplementary groups. */
    static List<String> as(long uid, long gid) {
        return List.of("setpriv", "--reuid=" + uid, "--regid=" + gid, "--clear-groups");
    }

    /**
     * The prefix that runs a command in a private mount namespace where {@code source} is bound over {@code target}:
     * how a probe sees another /etc file while the host's stays as it is.
     */
    static List<String> withFileOver(Path source, Path target) {
        return List.of("unshare", "--mount", "--propagation", "private", "sh", "-c",
                "mount --bind \"$1\" \"$2\" && shift 2 && exec \"$@\"", "sh", source.toString(), target.toString());
    }

    @Override
    public void close() throws IOException {
        if (!copied) {
            return;
        }
        try (Stream<Path> all = Files.walk(classes)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static Path location(Class<?> type) throws URISyntaxException {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            all.forEach(source -> {
                try {
                    Files.copy(source, to.resolve(from.relativize(source).toString()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
