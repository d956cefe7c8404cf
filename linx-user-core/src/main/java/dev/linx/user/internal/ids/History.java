package dev.linx.user.internal.ids;

import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * When each block was last known in use: taken, given back, or seen mapped by a live namespace. Only the reuse order
 * rests on it, never whether a block is free: a line lost to a crash mid-write only makes that block look older.
 * The content of the ledger file: one {@code <key> <epoch millis>} line per block, at most {@link #LIMIT} of them
 * (the oldest go first: they would be reused first anyway).
 */
final class History {

    static final int LIMIT = 4096;
    /** Generous for {@link #LIMIT} lines of the longest key. */
    static final int MAX_BYTES = LIMIT * 64;

    private final Map<LeaseRecord, Long> lastUsed = new LinkedHashMap<>();

    static History parse(byte[] content) {
        History history = new History();
        for (String line : new String(content, StandardCharsets.US_ASCII).split("\n")) {
            int space = line.indexOf(' ');
            LeaseRecord record = space < 0 ? null : LeaseRecord.parse(line.substring(0, space));
            if (record != null) {
                try {
                    history.lastUsed.put(record, Long.parseLong(line.substring(space + 1)));
                } catch (NumberFormatException e) {
                    // A torn line: that block only looks older.
                }
            }
        }
        return history;
    }

    Map<LeaseRecord, Long> entries() {
        return lastUsed;
    }

    /** Records {@code record} as in use at {@code time}, replacing every entry that overlaps it. */
    void used(LeaseRecord record, long time) {
        lastUsed.keySet().removeIf(old -> old.overlaps(record.uids(), record.gids()));
        lastUsed.put(record, time);
    }

    byte[] render() {
        StringBuilder text = new StringBuilder();
        lastUsed.entrySet().stream().sorted(Map.Entry.<LeaseRecord, Long>comparingByValue().reversed()
                        .thenComparing(e -> e.getKey().key(), Comparator.naturalOrder()))
                .limit(LIMIT)
                .forEach(e -> text.append(e.getKey().key()).append(' ').append(e.getValue()).append('\n'));
        return text.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
