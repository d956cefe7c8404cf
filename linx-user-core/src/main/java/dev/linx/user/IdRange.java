package dev.linx.user;

/**
 * A contiguous range of host ids: {@code start .. start+count-1}. The pool of an {@link IdPool}, the block of an
 * {@link IdLease}, and a subordinate range of {@code /etc/subuid} or {@code /etc/subgid} are all one.
 *
 * <p>Valid like the outside range of an {@link IdMapping}: {@code start} in {@code 0..4294967294}, {@code count} at
 * least 1, and {@code start + count} at most {@code 4294967295}.
 *
 * <pre>{@code
 * IdRange pool = IdRange.parse("100000:65536");   // 100000..165535
 * pool.last();                                      // 165535
 * pool.contains(1000);                              // false
 * pool.overlaps(new IdRange(165535, 10));           // true
 * }</pre>
 *
 * @param start the first host id
 * @param count how many ids, at least 1
 */
public record IdRange(long start, long count) {

    /**
     * Validates the range.
     *
     * @throws InvalidMappingException {@code BAD_ENTRY} for a start out of range, a count below 1, or a range past
     *         4294967295
     */
    public IdRange {
        // Subtracting, not adding: a count near Long.MAX_VALUE would overflow the sum and pass.
        if (start < 0 || start > IdMapping.MAX_ID || count < 1 || count > IdMapping.ID_LIMIT - start) {
            throw new InvalidMappingException(InvalidMappingException.Reason.BAD_ENTRY,
                    "bad id range {" + start + ", " + count + "}: ids must lie in 0.." + IdMapping.MAX_ID
                            + ", the count be at least 1, and start + count at most " + IdMapping.ID_LIMIT);
        }
    }

    /**
     * Parses {@code "start:count"}, the form of {@code /etc/subuid} without the owner and of the starter's
     * {@code linx.user.isolation.uids}; surrounding blanks are ignored.
     *
     * @param text {@code start:count}
     * @return the validated range
     * @throws InvalidMappingException {@code BAD_ENTRY} for any other text or an invalid range
     */
    public static IdRange parse(String text) {
        String value = text == null ? "" : text.strip();
        int colon = value.indexOf(':');
        if (colon > 0 && colon < value.length() - 1 && digits(value, 0, colon) && digits(value, colon + 1,
                value.length())) {
            String start = value.substring(0, colon);
            String count = value.substring(colon + 1);
            // Longer than 18 digits cannot be a valid id or count, and would not fit a long.
            if (start.length() <= 18 && count.length() <= 18) {
                return new IdRange(Long.parseLong(start), Long.parseLong(count));
            }
        }
        throw new InvalidMappingException(InvalidMappingException.Reason.BAD_ENTRY,
                "bad id range " + (text == null ? "null" : "'" + text + "'") + ": expected 'start:count'");
    }

    private static boolean digits(String text, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /**
     * The last host id of the range.
     *
     * @return {@code start + count - 1}
     */
    public long last() {
        return start + count - 1;
    }

    /**
     * Whether the host id lies in the range.
     *
     * @param id a host id
     * @return {@code true} when {@code start <= id <= last()}
     */
    public boolean contains(long id) {
        return id >= start && id <= last();
    }

    /**
     * Whether the two ranges share at least one id.
     *
     * @param other another range
     * @return {@code true} when some id lies in both
     */
    public boolean overlaps(IdRange other) {
        return start <= other.last() && other.start <= last();
    }

    /** {@code 100000..165535}, or {@code 100000} for a single id. */
    @Override
    public String toString() {
        return count == 1 ? Long.toString(start) : start + ".." + last();
    }
}
