package dev.linx.user.sample;

import dev.linx.user.IdMapping;
import java.util.List;

/**
 * One sandbox run: what the workload saw, who it really was on the host, and the maps written for it.
 *
 * @param workload what {@code id} printed inside, e.g. {@code uid=0(root) gid=0(root) groups=0(root)}
 * @param hostUid the host uid of the parked child, read from the host's view of the process: the workload's (see
 *     {@link WhoamiSandbox} for the one exception)
 * @param hostGid the host gid of the parked child
 * @param uidMap the uid map as the kernel reported it after the write
 * @param gidMap the gid map as the kernel reported it after the write
 * @param setgroups {@code allow} or {@code deny}, as the kernel reported it
 */
record Whoami(String workload, long hostUid, long hostGid, List<IdMapping> uidMap, List<IdMapping> gidMap,
        String setgroups) {
}
