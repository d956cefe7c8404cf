package dev.linx.user;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real unprivileged user made for one test class (root only): added with {@code useradd}, given exactly the
 * subordinate ranges the test asks for, and removed again with its lines in {@code /etc/subuid} and
 * {@code /etc/subgid}, leaving the rest of those files as they were.
 */
final class TestUser implements AutoCloseable {

    private static final Path SUBUID = Path.of("/etc/subuid");
    private static final Path SUBGID = Path.of("/etc/subgid");

    final String name;
    final long uid;

    private TestUser(String name, long uid) {
        this.name = name;
        this.uid = uid;
    }

    /**
     * Creates the user with its uid as primary gid and the given lines ({@code start:count}) in both files.
     *
     * @param ranges e.g. {@code "300000:65536"}; none leaves the user without subordinate ids
     */
    static TestUser create(String name, long uid, String... ranges) throws Exception {
        run("groupadd", "-g", Long.toString(uid), name);
        run("useradd", "-M", "-N", "-g", Long.toString(uid), "-s", "/usr/sbin/nologin", "-u", Long.toString(uid),
                name);
        TestUser user = new TestUser(name, uid);
        // useradd may delegate a range by itself (SUB_UID_COUNT in login.defs): replace it by the test's own.
        user.removeLines();
        for (Path file : List.of(SUBUID, SUBGID)) {
            StringBuilder lines = new StringBuilder();
            for (String range : ranges) {
                lines.append(name).append(':').append(range).append('\n');
            }
            String text = Files.exists(file) ? Files.readString(file) : "";
            if (!text.isEmpty() && !text.endsWith("\n")) {
                text += "\n";
            }
            Files.writeString(file, text + lines);
        }
        return user;
    }

    List<String> as() {
        return ProbeJvm.as(uid, uid);
    }

    @Override
    public void close() throws Exception {
        removeLines();
        run("userdel", name);
        if (Files.readString(Path.of("/etc/group")).lines().anyMatch(l -> l.startsWith(name + ":"))) {
            run("groupdel", name);
        }
    }

    private void removeLines() throws IOException {
        for (Path file : List.of(SUBUID, SUBGID)) {
            if (Files.exists(file)) {
                String kept = Files.readString(file, StandardCharsets.UTF_8).lines()
                        .filter(line -> !line.startsWith(name + ":")).map(line -> line + "\n")
                        .collect(Collectors.joining());
                Files.writeString(file, kept);
            }
        }
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
    }
}
