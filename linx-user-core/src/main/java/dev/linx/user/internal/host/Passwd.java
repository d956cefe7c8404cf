package dev.linx.user.internal.host;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Looks users up in a {@code passwd} file, the same file {@code newuidmap(1)} consults to name the caller. Only the
 * file, not NSS: subordinate ids are delegated by name in {@code /etc/subuid}, and the helpers resolve the name the
 * same way on a typical host.
 */
public final class Passwd {

    /** The file on a normal host. */
    public static final Path ETC_PASSWD = Path.of("/etc/passwd");

    /**
     * One user.
     *
     * @param name the login name
     * @param uid the user id
     * @param gid the primary group id
     */
    public record Entry(String name, long uid, long gid) {
    }

    private Passwd() {
    }

    /** The entry with this uid, the first one if several share it. */
    public static Optional<Entry> byUid(Path file, long uid) {
        return find(file, null, uid);
    }

    /** The entry with this login name. */
    public static Optional<Entry> byName(Path file, String name) {
        return find(file, name, -1);
    }

    private static Optional<Entry> find(Path file, String name, long uid) {
        String text;
        try {
            // Decoded leniently: a line that is not valid UTF-8 (a Latin-1 full name) must not hide every user.
            text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return Optional.empty();
        }
        for (String line : text.split("\n")) {
            String[] fields = line.split(":", -1);
            if (fields.length < 4 || line.startsWith("#")) {
                continue;
            }
            try {
                Entry entry = new Entry(fields[0], Long.parseLong(fields[2]), Long.parseLong(fields[3]));
                if (name != null ? entry.name().equals(name) : entry.uid() == uid) {
                    return Optional.of(entry);
                }
            } catch (NumberFormatException e) {
                // A malformed line names nobody.
            }
        }
        return Optional.empty();
    }
}
