package dev.linx.user;

import dev.linx.user.internal.host.Passwd;
import dev.linx.user.internal.sys.Credentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The subordinate ids delegated to one user in {@code /etc/subuid} and {@code /etc/subgid}: the ranges
 * {@code newuidmap(1)} and {@code newgidmap(1)} let that user map into a namespace it owns, beyond its own id.
 *
 * <pre>{@code
 * SubordinateIds mine = SubordinateIds.current();          // this process's effective user
 * mine.uids();                                             // [100000..165535]
 * MapSetup layout = mine.rootlessSetup();                  // 0 -> my uid, 1..65536 -> 100000..165535
 * try (ParkedProcess child = ParkedProcess.start(List.of("id"), Set.of(Namespace.USER))) {
 *     UserNamespaces.operations().setupMaps(child.hostPid(), layout);   // AUTO: through newuidmap/newgidmap
 * }
 * }</pre>
 *
 * <p>Parsing keeps only the lines the helpers read the same way: one {@code owner:start:count} per line, where the
 * owner is exactly a login name or a decimal uid (no blank around it), and start and count are plain decimals (ASCII
 * digits only, no leading zero but in 0 itself, no sign or blank, no carriage return); every such line naming the
 * user counts, in file order. Any other line is skipped, including some the helpers do read, differently: shadow's
 * {@code newuidmap} reads numbers with {@code strtoul(..., 0)}, so {@code 0300000} is octal 98304 and {@code 0x10} is
 * 16. Skipping errs on the safe side: the library may use fewer ids than the files grant, never a range the helpers
 * refuse. Blank lines and lines starting with {@code #} are comments; a line whose count is below 1, or whose range
 * passes 4294967295 (the rules of {@link IdMapping}), grants nothing. A missing file grants nothing.
 */
public final class SubordinateIds {

    /** The subordinate uid file on a normal host. */
    public static final Path ETC_SUBUID = Path.of("/etc/subuid");
    /** The subordinate gid file on a normal host. */
    public static final Path ETC_SUBGID = Path.of("/etc/subgid");

    private final String user;
    private final long uid;
    private final long gid;
    private final List<IdRange> uids;
    private final List<IdRange> gids;

    private SubordinateIds(String user, long uid, long gid, List<IdRange> uids, List<IdRange> gids) {
        this.user = user;
        this.uid = uid;
        this.gid = gid;
        this.uids = List.copyOf(uids);
        this.gids = List.copyOf(gids);
    }

    /**
     * The ranges of this process's effective user (named through {@code /etc/passwd}; lines naming its uid count
     * too), with its effective gid as the user's own gid.
     */
    public static SubordinateIds current() {
        Credentials self = Credentials.current();
        String name = Passwd.byUid(Passwd.ETC_PASSWD, self.euid()).map(Passwd.Entry::name).orElse(null);
        return read(name, self.euid(), self.egid(), ETC_SUBUID, ETC_SUBGID);
    }

    /**
     * The ranges of a user known to {@code /etc/passwd}, with its primary gid as its own gid.
     *
     * @throws IllegalArgumentException when no such user exists
     */
    public static SubordinateIds of(String user) {
        Objects.requireNonNull(user, "user");
        Passwd.Entry entry = Passwd.byName(Passwd.ETC_PASSWD, user)
                .orElseThrow(() -> new IllegalArgumentException("no user '" + user + "' in /etc/passwd"));
        return read(entry.name(), entry.uid(), entry.gid(), ETC_SUBUID, ETC_SUBGID);
    }

    /**
     * The ranges of a uid; its name and primary gid come from {@code /etc/passwd} when it is listed there (otherwise
     * only lines naming the uid itself count, and the gid is taken to equal the uid).
     */
    public static SubordinateIds of(long uid) {
        Passwd.Entry entry = Passwd.byUid(Passwd.ETC_PASSWD, uid).orElse(new Passwd.Entry(null, uid, uid));
        return read(entry.name(), entry.uid(), entry.gid(), ETC_SUBUID, ETC_SUBGID);
    }

    /**
     * The ranges a pair of files grants a user: for other files than {@code /etc/subuid} and {@code /etc/subgid}.
     *
     * @param user the login name, or {@code null} to match lines by uid only
     * @param uid the user's own uid
     * @param gid the user's own gid
     * @param subuid the subordinate uid file
     * @param subgid the subordinate gid file
     * @throws UncheckedIOException when a file exists but cannot be read
     */
    public static SubordinateIds read(String user, long uid, long gid, Path subuid, Path subgid) {
        return new SubordinateIds(user, uid, gid, parse(readFile(subuid), user, uid), parse(readFile(subgid), user, uid));
    }

    /**
     * The ranges one file's text grants to a user, in file order.
     *
     * <pre>{@code
     * SubordinateIds.parse("# delegated\nalice:100000:65536\n1000:300000:10\n", "alice", 1000);
     * // [100000..165535, 300000..300009]
     * }</pre>
     *
     * @param text the content of {@code /etc/subuid} or {@code /etc/subgid}
     * @param user the login name, or {@code null} to match lines by uid only
     * @param uid the user's uid, matched against numeric owners
     */
    public static List<IdRange> parse(String text, String user, long uid) {
        List<IdRange> ranges = new ArrayList<>();
        String uidText = Long.toString(uid);
        // Not stripped: the helpers compare the owner byte for byte, and a blank or '\r' left in a number makes them
        // skip the line.
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] fields = line.split(":", -1);
            if (fields.length != 3 || !(fields[0].equals(user) || fields[0].equals(uidText))) {
                continue;
            }
            long start = plainDecimal(fields[1]);
            long count = plainDecimal(fields[2]);
            if (start < 0 || count < 0) {
                continue;
            }
            try {
                ranges.add(new IdRange(start, count));
            } catch (InvalidMappingException e) {
                // A count of 0 or a range past the id space: it grants nothing.
            }
        }
        return ranges;
    }

    /**
     * The value of a number written the one way both Java and the helpers' {@code strtoul(..., 0)} read alike (ASCII
     * digits, no leading zero but in 0 itself); -1 for anything else, or for a number too large for any range.
     */
    private static long plainDecimal(String field) {
        // 10 digits hold every id; a longer plain number is past the id space anyway.
        if (field.isEmpty() || field.length() > 10 || (field.length() > 1 && field.charAt(0) == '0')) {
            return -1;
        }
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
        }
        return Long.parseLong(field);
    }

    /** The login name, or {@code null} when the uid has none. */
    public String user() {
        return user;
    }

    /** The user's own uid. */
    public long uid() {
        return uid;
    }

    /** The user's own gid. */
    public long gid() {
        return gid;
    }

    /** The subordinate uid ranges, in file order. */
    public List<IdRange> uids() {
        return uids;
    }

    /** The subordinate gid ranges, in file order. */
    public List<IdRange> gids() {
        return gids;
    }

    /**
     * The common rootless layout, as podman and {@code unshare --map-auto} build it: 0 inside is the user's own id,
     * and 1, 2, ... inside are the subordinate ranges one after the other, in file order; setgroups denied. With no
     * subordinate range, that is just {@code 0 -> own id}, as {@link MapSetup#rootless(long, long)}.
     *
     * <p>An unprivileged caller can write it only through the helpers ({@link MappingStrategy#AUTO} picks them).
     *
     * @throws InvalidMappingException {@code OVERLAPPING_RANGES} when a subordinate range contains the user's own id
     *         or two ranges overlap (fix the files: the kernel would refuse such a map)
     */
    public MapSetup rootlessSetup() {
        return MapSetup.of(layout(uid, uids), layout(gid, gids)).validate();
    }

    private static List<IdMapping> layout(long own, List<IdRange> ranges) {
        List<IdMapping> map = new ArrayList<>();
        map.add(IdMapping.of(0, own, 1));
        long next = 1;
        for (IdRange range : ranges) {
            map.add(IdMapping.of(next, range.start(), range.count()));
            next += range.count();
        }
        return map;
    }

    private static String readFile(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return "";
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    @Override
    public String toString() {
        return "SubordinateIds[user=" + user + ", uid=" + uid + ", gid=" + gid + ", uids=" + uids + ", gids=" + gids
                + "]";
    }
}
