package dev.linx.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The rootless group (tests tagged {@code rootless}) run again without any privilege, as uid and gid 65534 with no
 * supplementary groups, when this suite runs as root: the test classes and their whole classpath are copied where
 * uid 65534 can read them (the build tree and the local Maven repository may sit under {@code /root}), and
 * {@link RootlessGroup} runs them in a JVM started through {@code setpriv}. Run unprivileged, the suite itself is the
 * proof, and this test is skipped.
 */
class RootlessGroupTest {

    private static final String NOBODY = "65534";

    @Test
    void theRootlessGroupPassesAsUid65534() throws Exception {
        assumeThat(Kernel.isRoot()).as("the suite itself runs unprivileged").isTrue();
        Path dir = Files.createTempDirectory("linx-rootless-group-");
        try {
            List<String> classpath = copyClasspath(dir);
            List<String> command = new ArrayList<>(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY,
                    "--clear-groups", ProcessHandle.current().info().command().orElseThrow(), "-XX:-UsePerfData",
                    "--enable-native-access=ALL-UNNAMED", "-Djava.io.tmpdir=" + dir));
            for (String property : List.of("linx.soak.cycles", "linx.differential.maps", "linx.differential.seed",
                    "linx.properties.seed")) {
                if (System.getProperty(property) != null) {
                    command.add("-D" + property + "=" + System.getProperty(property));
                }
            }
            command.addAll(List.of("-cp", String.join(File.pathSeparator, classpath), RootlessGroup.class.getName()));
            Process group = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            String out = new String(group.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(group.waitFor(10, TimeUnit.MINUTES)).isTrue();
            System.out.println(out);
            assertThat(group.exitValue()).as("rootless group as uid 65534:\n" + out).isZero();
            assertThat(out).contains("rootless group as uid " + NOBODY + ":").doesNotContain("FAILED ");
        } finally {
            delete(dir);
        }
    }

    /** Copies every classpath entry into {@code dir}, readable by everyone, and returns the copies in order. */
    private static List<String> copyClasspath(Path dir) throws IOException {
        String path = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> copies = new ArrayList<>();
        int index = 0;
        for (String entry : path.split(File.pathSeparator)) {
            Path source = Path.of(entry);
            if (!Files.exists(source)) {
                continue;
            }
            Path target = dir.resolve(index++ + "-" + source.getFileName());
            if (Files.isDirectory(source)) {
                try (Stream<Path> all = Files.walk(source)) {
                    for (Path p : all.toList()) {
                        Files.copy(p, target.resolve(source.relativize(p).toString()));
                    }
                }
            } else {
                Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
            }
            copies.add(target.toString());
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.toList()) {
                Files.setPosixFilePermissions(p,
                        PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        // The group's temporary files go here too (java.io.tmpdir).
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        return copies;
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
