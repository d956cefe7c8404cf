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
import java.util.Arrays;
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
 * passes 4294967295 (the rules of {@link IdMapping}), grants nothing. A missing file grants nothing. The files are
 * read as bytes, as the helpers read them: a line that is not valid UTF-8 names someone else, it is no error.
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
     *
     * @return the current user's ranges
     */
    public static SubordinateIds current() {
        Credentials self = Credentials.current();
        String name = Passwd.byUid(Passwd.ETC_PASSWD, self.euid()).map(Passwd.Entry::name).orElse(null);
        return read(name, self.euid(), self.egid(), ETC_SUBUID, ETC_SUBGID);
    }

    /**
     * The ranges of a user known to {@code /etc/passwd}, with its primary gid as its own gid.
     *
     * @param user the login name
     * @return the user's ranges
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
     *
     * @param uid the user's uid
     * @return the user's ranges
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
     * @return the ranges, in file order; none for a file that does not exist
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
     * @return the ranges granted to the user
     */
    public static List<IdRange> parse(String text, String user, long uid) {
        return parse(text.getBytes(StandardCharsets.UTF_8), user, uid);
    }

    /**
     * The ranges one file's bytes grant to a user, read as {@code newuidmap} reads them: byte for byte, whatever the
     * encoding, so a line that is not valid UTF-8 (a name in Latin-1, a stray byte in a comment) is only a line that
     * names someone else, never an error. The user's name is compared as its UTF-8 bytes.
     *
     * <pre>{@code
     * byte[] content = Files.readAllBytes(Path.of("/etc/subuid"));
     * SubordinateIds.parse(content, "alice", 1000);   // [100000..165535]
     * }</pre>
     *
     * @param content the bytes of {@code /etc/subuid} or {@code /etc/subgid}
     * @param user the login name, or {@code null} to match lines by uid only
     * @param uid the user's uid, matched against numeric owners
     * @return the ranges in file order
     */
    public static List<IdRange> parse(byte[] content, String user, long uid) {
        List<IdRange> ranges = new ArrayList<>();
        byte[] name = user == null ? null : user.getBytes(StandardCharsets.UTF_8);
        byte[] uidText = Long.toString(uid).getBytes(StandardCharsets.US_ASCII);
        int lineStart = 0;
        while (lineStart <= content.length) {
            int lineEnd = indexOf(content, (byte) '\n', lineStart, content.length);
            if (lineEnd < 0) {
                lineEnd = content.length;
            }
            IdRange range = range(content, lineStart, lineEnd, name, uidText);
            if (range != null) {
                ranges.add(range);
            }
            lineStart = lineEnd + 1;
        }
        return ranges;
    }

    /** The range of one line {@code [from, to)} when it names the user, else {@code null}. */
    private static IdRange range(byte[] content, int from, int to, byte[] name, byte[] uidText) {
        if (isBlank(content, from, to) || content[from] == '#') {
            return null;
        }
        // Not stripped: the helpers compare the owner byte for byte, and a blank or '\r' left in a number makes them
        // skip the line.
        int first = indexOf(content, (byte) ':', from, to);
        int second = first < 0 ? -1 : indexOf(content, (byte) ':', first + 1, to);
        if (second < 0 || indexOf(content, (byte) ':', second + 1, to) >= 0) {
            return null;
        }
        boolean named = (name != null && Arrays.equals(content, from, first, name, 0, name.length))
                || Arrays.equals(content, from, first, uidText, 0, uidText.length);
        if (!named) {
            return null;
        }
        long start = plainDecimal(content, first + 1, second);
        long count = plainDecimal(content, second + 1, to);
        if (start < 0 || count < 0) {
            return null;
        }
        try {
            return new IdRange(start, count);
        } catch (InvalidMappingException e) {
            // A count of 0 or a range past the id space: it grants nothing.
            return null;
        }
    }

    /**
     * The value of a number written the one way both Java and the helpers' {@code strtoul(..., 0)} read alike (ASCII
     * digits, no leading zero but in 0 itself); -1 for anything else, or for a number too large for any range.
     */
    private static long plainDecimal(byte[] content, int from, int to) {
        int length = to - from;
        // 10 digits hold every id; a longer plain number is past the id space anyway.
        if (length == 0 || length > 10 || (length > 1 && content[from] == '0')) {
            return -1;
        }
        long value = 0;
        for (int i = from; i < to; i++) {
            byte c = content[i];
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static int indexOf(byte[] content, byte b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (content[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /** Blank as {@link String#isBlank()} reads ASCII: only spaces, tabs and other ASCII white space. */
    private static boolean isBlank(byte[] content, int from, int to) {
        for (int i = from; i < to; i++) {
            byte c = content[i];
            if (c != ' ' && (c < '\t' || c > '\r') && (c < 0x1c || c > 0x1f)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The login name, or {@code null} when the uid has none.
     *
     * @return the login name, or {@code null}
     */
    public String user() {
        return user;
    }

    /**
     * The user's own uid.
     *
     * @return the uid
     */
    public long uid() {
        return uid;
    }

    /**
     * The user's own gid.
     *
     * @return the gid
     */
    public long gid() {
        return gid;
    }

    /**
     * The subordinate uid ranges, in file order.
     *
     * @return the uid ranges
     */
    public List<IdRange> uids() {
        return uids;
    }

    /**
     * The subordinate gid ranges, in file order.
     *
     * @return the gid ranges
     */
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
     * @return the setup, with {@link SetgroupsPolicy#DENY}
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

    private static byte[] readFile(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return new byte[0];
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
