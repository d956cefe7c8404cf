package dev.linx.user.internal.ids;

import dev.linx.user.IdRange;
import dev.linx.user.InvalidMappingException;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One lock file of the ledger, named for the block it stands for: {@code u<start>-<count>_g<start>-<count>.lease}.
 * While a lease holds the block, the holding process keeps the file open with an exclusive {@code flock}; once the
 * holder gives the block back, or dies, the file stays, unlocked, and its modification time says when the block was
 * last known in use: that orders reuse.
 *
 * @param uids the uid block
 * @param gids the gid block
 */
record LeaseRecord(IdRange uids, IdRange gids) {

    private static final Pattern NAME = Pattern.compile("u(\\d{1,10})-(\\d{1,10})_g(\\d{1,10})-(\\d{1,10})\\.lease");

    /** The record a file name stands for, or {@code null} for any other file. */
    static LeaseRecord parse(String fileName) {
        Matcher m = NAME.matcher(fileName);
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

    String fileName() {
        return "u" + uids.start() + "-" + uids.count() + "_g" + gids.start() + "-" + gids.count() + ".lease";
    }

    Path in(Path directory) {
        return directory.resolve(fileName());
    }

    boolean overlaps(IdRange uidBlock, IdRange gidBlock) {
        return uids.overlaps(uidBlock) || gids.overlaps(gidBlock);
    }
}
