package dev.linx.user.internal.launch;

import dev.linx.user.IdMapping;
import dev.linx.user.MapSetup;
import dev.linx.user.internal.sys.Credentials;
import java.util.List;
import java.util.OptionalLong;

/**
 * How a launcher's child becomes root inside for one {@link MapSetup}: by nothing (root inside is the JVM's own ids,
 * or root is not mapped), by starting as the host ids root inside maps to (a JVM that may change ids), or by switching
 * to uid/gid 0 inside once the maps are written (a JVM that may not).
 *
 * @param hostIds the host ids to start the child as, or {@code null}
 * @param rootInside the switch after the checkpoint, or {@code null}
 */
public record RootPlan(ParkSpec.HostIds hostIds, ParkSpec.RootInside rootInside) {

    /** The plan for {@code setup} written by a JVM with these credentials. */
    public static RootPlan of(MapSetup setup, Credentials self) {
        OptionalLong rootUid = outsideOf(setup.uid(), 0);
        OptionalLong rootGid = outsideOf(setup.gid(), 0);
        boolean uidDiffers = rootUid.isPresent() && rootUid.getAsLong() != self.euid();
        boolean gidDiffers = rootGid.isPresent() && rootGid.getAsLong() != self.egid();
        if ((uidDiffers || gidDiffers) && self.canChangeIds()) {
            // Cheapest: the child is started as the host ids root inside maps to, and is root there by itself.
            return new RootPlan(new ParkSpec.HostIds(rootUid.orElse(self.euid()), rootGid.orElse(self.egid())), null);
        }
        if (rootUid.isPresent() && (uidDiffers || gidDiffers)) {
            // Only towards uid 0: the capabilities kept across the park are root's anyway once the workload is uid 0,
            // but a workload left unmapped must not inherit them as ambient ones.
            return new RootPlan(null, new ParkSpec.RootInside(uidDiffers, gidDiffers));
        }
        return new RootPlan(null, null);
    }

    private static OptionalLong outsideOf(List<IdMapping> map, long inside) {
        for (IdMapping m : map) {
            if (inside >= m.inside() && inside <= m.lastInside()) {
                return OptionalLong.of(m.outside() + (inside - m.inside()));
            }
        }
        return OptionalLong.empty();
    }
}
