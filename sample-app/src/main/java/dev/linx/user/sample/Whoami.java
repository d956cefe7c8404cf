package dev.linx.user.sample;

import dev.linx.user.IdMapping;
import dev.linx.user.IdRange;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One sandbox run: what the workload saw, who it really was on the host, and the maps written for it.
 *
 * @param run the run's number, from 1 since the application started
 * @param workload what {@code id} printed inside, e.g. {@code uid=0(root) gid=0(root) groups=0(root)}
 * @param hostUid the host uid the workload ran as: the uid {@code id} printed inside, through the uid map the kernel
 *     holds for it (see {@link WhoamiSandbox})
 * @param hostGid the host gid the workload ran as, likewise
 * @param uidMap the uid map as the kernel reported it after the write
 * @param gidMap the gid map as the kernel reported it after the write
 * @param setgroups {@code allow} or {@code deny}, as the kernel reported it
 * @param block the host ids leased to this run alone, or null when isolation is off and every run shares one map
 */
record Whoami(int run, String workload, long hostUid, long hostGid, List<IdMapping> uidMap, List<IdMapping> gidMap,
        String setgroups, @Nullable Block block) {

    /**
     * The block of an isolated run: what its map sends {@code 0..size-1} inside to.
     *
     * @param uids the host uids
     * @param gids the host gids, at the same offset of their pool
     */
    record Block(IdRange uids, IdRange gids) {
    }
}
