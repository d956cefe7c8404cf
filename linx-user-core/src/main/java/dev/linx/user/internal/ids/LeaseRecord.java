package dev.linx.user.internal.ids;

import dev.linx.user.IdRange;
import dev.linx.user.InvalidMappingException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A block as the ledger's history names it: {@code u<start>-<count>_g<start>-<count>}.
 *
 * @param uids the uid block
 * @param gids the gid block
 */
record LeaseRecord(IdRange uids, IdRange gids) {

    private static final Pattern KEY = Pattern.compile("u(\\d{1,10})-(\\d{1,10})_g(\\d{1,10})-(\\d{1,10})");

    /** The block a key names, or {@code null} for anything else. */
    static LeaseRecord parse(String key) {
        Matcher m = KEY.matcher(key);
        if (!m.matches()) {
            return null;
        }
        try {
            return new LeaseRecord(new IdRange(Long.parseLong(m.group(1)), Long.parseLong(m.group(2))),
                    new IdRange(Long.parseLong(m.group(3)), Long.parseLong(m.group(4))));
        } catch (InvalidMappingException e) {
            return null;
        }
    }

    String key() {
        return "u" + uids.start() + "-" + uids.count() + "_g" + gids.start() + "-" + gids.count();
    }

    boolean overlaps(IdRange uidBlock, IdRange gidBlock) {
        return uids.overlaps(uidBlock) || gids.overlaps(gidBlock);
    }
}
