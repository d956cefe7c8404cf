package dev.linx.user;

import java.util.Objects;

/**
 * A caller mistake, caught before anything reaches the kernel: nothing under {@code /proc} was written.
 *
 * <p>Switch on {@link #reason()}; the message names the offending entry or value.
 *
 * <pre>{@code
 * try {
 *     ops.setUidMap(pid, List.of());
 * } catch (InvalidMappingException e) {
 *     e.reason();   // Reason.EMPTY_MAP
 * }
 * }</pre>
 */
public final class InvalidMappingException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /**
     * Why the input was refused: one constant per rule, stable for a {@code switch}.
     *
     * <pre>{@code
     * try {
     *     ops.setupMaps(pid, setup);
     * } catch (InvalidMappingException e) {
     *     switch (e.reason()) {
     *         case OVERLAPPING_RANGES, TOO_MANY_EXTENTS, MAP_TOO_LONG -> log.warn("rework the map: {}", e.getMessage());
     *         default -> throw e;
     *     }
     * }
     * }</pre>
     */
    public enum Reason {
        /** A map with no entry at all. */
        EMPTY_MAP,
        /**
         * One entry the kernel would refuse: a negative or out-of-range id, a length below 1, a range past
         * 4294967295, or text that does not parse.
         */
        BAD_ENTRY,
        /** Two entries whose inside ranges, or whose outside ranges, share an id. */
        OVERLAPPING_RANGES,
        /** More than 340 entries, the kernel's limit for one map. */
        TOO_MANY_EXTENTS,
        /** A map whose text is longer than the kernel accepts in one write (one page less one byte). */
        MAP_TOO_LONG,
        /** A pid that is not a positive number. */
        NOT_A_PID,
        /** A {@link MapSetup} without a uid map. */
        MISSING_UID_MAP,
        /** A {@link MapSetup} without a gid map. */
        MISSING_GID_MAP,
        /** A setgroups policy other than {@code deny} or {@code skip}. */
        BAD_SETGROUPS,
        /** A mapping strategy other than {@code auto}, {@code direct} or {@code helper}. */
        BAD_STRATEGY
    }

    /** Why the input was refused. */
    private final Reason reason;

    /**
     * Creates the exception.
     *
     * @param reason why the input was refused
     * @param message what was refused, naming the offending value
     */
    public InvalidMappingException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /**
     * Why the input was refused.
     *
     * @return the reason, one per kind of mistake
     */
    public Reason reason() {
        return reason;
    }
}
