package dev.linx.user.internal.maps;

import dev.linx.user.IdMapping;
import dev.linx.user.InvalidMappingException;
import dev.linx.user.InvalidMappingException.Reason;
import dev.linx.user.internal.sys.LibC;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The kernel's rules for a whole map ({@code map_write} in {@code kernel/user_namespace.c}), checked before any write
 * so that a caller mistake never reaches {@code /proc}.
 */
public final class MapRules {

    /** {@code UID_GID_MAP_MAX_EXTENTS}: the most lines one map may have. */
    public static final int MAX_EXTENTS = 340;

    /** No Linux page is smaller: a shorter text needs no {@code sysconf}, so validation stays free of system calls. */
    private static final int SMALLEST_PAGE = 4096;

    private static final Comparator<IdMapping> BY_INSIDE = new Comparator<>() {
        @Override
        public int compare(IdMapping a, IdMapping b) {
            return Long.compare(a.inside(), b.inside());
        }
    };

    private static final Comparator<IdMapping> BY_OUTSIDE = new Comparator<>() {
        @Override
        public int compare(IdMapping a, IdMapping b) {
            return Long.compare(a.outside(), b.outside());
        }
    };

    /** The kernel refuses a write of a page or more ({@code count >= PAGE_SIZE}). */
    public static int maxBytes() {
        return PageSize.MAX_BYTES;
    }

    private MapRules() {
    }

    /**
     * Checks a map and renders it for the single write.
     *
     * @param map the entries
     * @param kind {@code "uid"} or {@code "gid"}, for the message
     * @return the text to write, in one {@code write(2)}
     * @throws InvalidMappingException for the first rule the map breaks
     */
    public static byte[] checkAndRender(List<IdMapping> map, String kind) {
        if (map == null || map.isEmpty()) {
            throw new InvalidMappingException(Reason.EMPTY_MAP, "bad " + kind + " map: empty");
        }
        if (map.size() > MAX_EXTENTS) {
            throw new InvalidMappingException(Reason.TOO_MANY_EXTENTS, "bad " + kind + " map: " + map.size()
                    + " entries, the kernel accepts at most " + MAX_EXTENTS);
        }
        for (int i = 0; i < map.size(); i++) {
            if (map.get(i) == null) {
                throw new InvalidMappingException(Reason.BAD_ENTRY, "bad " + kind + " map: entry " + i + " is null");
            }
        }
        checkNoOverlap(map, kind, true);
        checkNoOverlap(map, kind, false);
        byte[] text = MapText.render(map);
        if (text.length >= SMALLEST_PAGE && text.length > maxBytes()) {
            throw new InvalidMappingException(Reason.MAP_TOO_LONG, "bad " + kind + " map: its text is " + text.length
                    + " bytes, the kernel accepts at most " + maxBytes() + " in one write");
        }
        return text;
    }

    /**
     * An immutable copy of a map, refusing null entries.
     *
     * @throws InvalidMappingException with reason {@code BAD_ENTRY} for a null entry
     */
    public static List<IdMapping> copyOf(List<IdMapping> map, String kind) {
        for (int i = 0; i < map.size(); i++) {
            if (map.get(i) == null) {
                throw new InvalidMappingException(Reason.BAD_ENTRY, "bad " + kind + " map: entry " + i + " is null");
            }
        }
        return List.copyOf(map);
    }

    // Plain code rather than key extractors: this runs while an application's beans are created, where every lambda
    // is a class spun at first use.
    private static void checkNoOverlap(List<IdMapping> map, String kind, boolean inside) {
        if (map.size() < 2) {
            return;
        }
        IdMapping[] sorted = map.toArray(new IdMapping[0]);
        Arrays.sort(sorted, inside ? BY_INSIDE : BY_OUTSIDE);
        for (int i = 1; i < sorted.length; i++) {
            IdMapping previous = sorted[i - 1];
            IdMapping current = sorted[i];
            long first = inside ? current.inside() : current.outside();
            long last = inside ? previous.lastInside() : previous.lastOutside();
            if (first <= last) {
                throw new InvalidMappingException(Reason.OVERLAPPING_RANGES, "bad " + kind + " map: " + previous
                        + " and " + current + " overlap " + (inside ? "inside" : "outside"));
            }
        }
    }

    /** Asked of the kernel only when a text is long enough for it to matter. */
    private static final class PageSize {
        static final int MAX_BYTES = LibC.pageSize() - 1;
    }
}
