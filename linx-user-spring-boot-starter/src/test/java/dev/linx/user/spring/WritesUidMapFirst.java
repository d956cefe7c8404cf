package dev.linx.user.spring;

import dev.linx.user.IdMapping;
import dev.linx.user.MapSetup;
import dev.linx.user.UserNamespaces;
import java.util.List;

/**
 * A misbehaving operations bean that writes the uid map itself before the real setup: the kernel then refuses the
 * setup's own uid_map write (write-once) with a real EPERM.
 */
public final class WritesUidMapFirst extends ForwardingOperations {

    public WritesUidMapFirst() {
        super(UserNamespaces.operations());
    }

    @Override
    public void setupMaps(long pid, MapSetup setup) {
        setUidMap(pid, List.of(IdMapping.of(0, 0, 1)));
        super.setupMaps(pid, setup);
    }
}
