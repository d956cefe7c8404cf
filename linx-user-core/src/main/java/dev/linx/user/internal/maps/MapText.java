package dev.linx.user.internal.maps;

import dev.linx.user.IdMapping;
import java.util.ArrayList;
import java.util.List;

/**
 * The text form of a map, both ways: the kernel's {@code uid_map} format and the {@code a:b:c} form of configuration.
 */
public final class MapText {

    /**
     * Significant digits of the longest number we read; more cannot be a 32-bit id and could overflow a long. Leading
     * zeros do not count: the kernel's {@code simple_strtoul} takes any number of them.
     */
    private static final int MAX_DIGITS = 18;

    private MapText() {
    }

    /**
     * Splits one entry into its three numbers: {@code "a b c"} with runs of blanks or tabs between, or {@code "a:b:c"};
     * surrounding white space is ignored.
     *
     * @return the three numbers, or {@code null} when the text is neither form (ranges are not checked here)
     */
    public static long[] parseFields(CharSequence text) {
        return parseFields(text, 0, text.length());
    }

    /** {@link #parseFields(CharSequence)} of {@code text[from, to)}, without copying it. */
    static long[] parseFields(CharSequence text, int from, int to) {
        int start = from;
        int end = to;
        while (start < end && isSpace(text.charAt(start))) {
            start++;
        }
        while (end > start && isSpace(text.charAt(end - 1))) {
            end--;
        }
        if (start == end) {
            return null;
        }
        boolean colonForm = false;
        for (int i = start; i < end; i++) {
            if (text.charAt(i) == ':') {
                colonForm = true;
                break;
            }
        }
        long[] fields = new long[3];
        int pos = start;
        for (int field = 0; field < 3; field++) {
            if (field > 0) {
                if (colonForm) {
                    if (pos >= end || text.charAt(pos) != ':') {
                        return null;
                    }
                    pos++;
                } else {
                    int blanks = pos;
                    while (pos < end && isBlank(text.charAt(pos))) {
                        pos++;
                    }
                    if (pos == blanks) {
                        return null;
                    }
                }
            }
            int digitsStart = pos;
            while (pos < end && text.charAt(pos) == '0') {
                pos++;
            }
            int significantStart = pos;
            long value = 0;
            while (pos < end && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
                value = value * 10 + (text.charAt(pos) - '0');
                pos++;
            }
            if (pos == digitsStart || pos - significantStart > MAX_DIGITS) {
                return null;
            }
            fields[field] = value;
        }
        return pos == end ? fields : null;
    }

    /**
     * Parses the contents of a {@code /proc/<pid>/uid_map} or {@code gid_map}, keeping every well-formed, valid line
     * and skipping the rest (so that a future kernel's additions to the format cannot break a reader).
     */
    public static List<IdMapping> parseMap(CharSequence text) {
        List<IdMapping> map = new ArrayList<>();
        int lineStart = 0;
        int length = text.length();
        while (lineStart < length) {
            int lineEnd = lineStart;
            while (lineEnd < length && text.charAt(lineEnd) != '\n') {
                lineEnd++;
            }
            long[] f = parseFields(text, lineStart, lineEnd);
            if (f != null && IdMapping.isValid(f[0], f[1], f[2])) {
                map.add(new IdMapping(f[0], f[1], f[2]));
            }
            lineStart = lineEnd + 1;
        }
        return List.copyOf(map);
    }

    /** Renders a map as the kernel reads it: one compact {@code "inside outside length\n"} line per entry, ASCII. */
    public static byte[] render(List<IdMapping> map) {
        StringBuilder text = new StringBuilder(map.size() * 24);
        for (IdMapping m : map) {
            text.append(m.inside()).append(' ').append(m.outside()).append(' ').append(m.length()).append('\n');
        }
        byte[] bytes = new byte[text.length()];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) text.charAt(i);
        }
        return bytes;
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }

    private static boolean isSpace(char c) {
        return isBlank(c) || c == '\n' || c == '\r';
    }
}
