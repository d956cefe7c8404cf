package dev.linx.user;

import dev.linx.user.internal.maps.MapText;

/**
 * One contiguous range of a uid or gid map: {@code length} ids starting at {@code inside} in the namespace are the
 * ids starting at {@code outside} in its parent.
 *
 * <p>Every instance is valid for the kernel on its own: ids in {@code 0..4294967294}, {@code length >= 1}, and neither
 * range running past {@code 4294967295}. The checks that involve a whole map (overlaps, count, size) happen when a map
 * is written or a {@link MapSetup} is validated.
 *
 * <pre>{@code
 * IdMapping root = IdMapping.of(0, 1000, 1);             // IdMapping<0 -> 1000>
 * IdMapping range = IdMapping.parse("1:100000:65535");   // IdMapping<1..65535 -> 100000..165534>
 * IdMapping same = IdMapping.parse("  1  100000  65535"); // the kernel's own padded format
 * }</pre>
 *
 * @param inside the first id inside the namespace
 * @param outside the first id outside, in the parent namespace
 * @param length how many consecutive ids the range covers
 */
public record IdMapping(long inside, long outside, long length) {

    /** The largest id a map can name; {@code 4294967295} ({@code (uid_t) -1}) is reserved by the kernel. */
    public static final long MAX_ID = 4_294_967_294L;

    /** The end of the 32-bit id space: no range may run past it. */
    public static final long ID_LIMIT = 4_294_967_295L;

    /**
     * Validates the range.
     *
     * @throws InvalidMappingException with reason {@code BAD_ENTRY} when the kernel would refuse it
     */
    public IdMapping {
        String problem = problem(inside, outside, length);
        if (problem != null) {
            throw new InvalidMappingException(InvalidMappingException.Reason.BAD_ENTRY,
                    "bad entry {" + inside + ", " + outside + ", " + length + "}: " + problem);
        }
    }

    /**
     * The range {@code inside..inside+length-1 -> outside..outside+length-1}.
     *
     * @return the validated range
     * @throws InvalidMappingException with reason {@code BAD_ENTRY} when the kernel would refuse it
     */
    public static IdMapping of(long inside, long outside, long length) {
        return new IdMapping(inside, outside, length);
    }

    /**
     * Parses {@code "inside outside length"} (blanks or tabs between, as the kernel prints a map) or
     * {@code "inside:outside:length"} (the form used in {@code application.yml}); surrounding blanks are ignored.
     *
     * @param text one map line
     * @return the validated range
     * @throws InvalidMappingException with reason {@code BAD_ENTRY} for any other text or an invalid range
     */
    public static IdMapping parse(String text) {
        long[] fields = text == null ? null : MapText.parseFields(text);
        if (fields == null) {
            throw new InvalidMappingException(InvalidMappingException.Reason.BAD_ENTRY,
                    "bad entry " + (text == null ? "null" : "'" + text + "'")
                            + ": expected 'inside outside length' or 'inside:outside:length'");
        }
        return new IdMapping(fields[0], fields[1], fields[2]);
    }

    /**
     * Whether the three numbers form a range the kernel accepts; never throws.
     *
     * @return {@code true} when {@link #of(long, long, long)} would accept them
     */
    public static boolean isValid(long inside, long outside, long length) {
        return problem(inside, outside, length) == null;
    }

    /**
     * The last id inside, inclusive.
     *
     * @return {@code inside + length - 1}
     */
    public long lastInside() {
        return inside + length - 1;
    }

    /**
     * The last id outside, inclusive.
     *
     * @return {@code outside + length - 1}
     */
    public long lastOutside() {
        return outside + length - 1;
    }

    private static String problem(long inside, long outside, long length) {
        if (inside < 0 || inside > MAX_ID) {
            return "inside id must be in 0..4294967294";
        }
        if (outside < 0 || outside > MAX_ID) {
            return "outside id must be in 0..4294967294";
        }
        if (length < 1) {
            return "length must be at least 1";
        }
        if (length > ID_LIMIT - inside) {
            return "inside range runs past 4294967295";
        }
        if (length > ID_LIMIT - outside) {
            return "outside range runs past 4294967295";
        }
        return null;
    }

    /** {@code IdMapping<0 -> 1000>} for one id, {@code IdMapping<0..65535 -> 100000..165535>} for a range. */
    @Override
    public String toString() {
        if (length == 1) {
            return "IdMapping<" + inside + " -> " + outside + ">";
        }
        return "IdMapping<" + inside + ".." + lastInside() + " -> " + outside + ".." + lastOutside() + ">";
    }
}
