package dev.linx.user.spring;

import dev.linx.user.IdMapping;
import dev.linx.user.IdRange;
import dev.linx.user.MapSetup;
import dev.linx.user.MappingStrategy;
import dev.linx.user.Namespace;
import dev.linx.user.SetgroupsPolicy;
import dev.linx.user.SubordinateIds;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code linx.user.*} properties: whether the starter is on, and the maps the auto-configured
 * {@link dev.linx.user.UserNamespaceLauncher} writes for every workload.
 *
 * <pre>{@code
 * linx:
 *   user:
 *     uid-map: ["0:1000:1", "1:100000:65536"]      # or objects: - {inside: 0, outside: 1000, length: 1}
 *     gid-map: ["0:1000:1"]
 *     setgroups: deny
 *     strategy: auto                                 # direct | helper (newuidmap/newgidmap)
 * }</pre>
 *
 * <p>Or, for an unprivileged application with ranges in {@code /etc/subuid} and {@code /etc/subgid}:
 * <pre>{@code
 * linx.user.layout: subordinate      # 0 -> own uid, 1..N -> the subordinate ranges, written by newuidmap
 * }</pre>
 *
 * <p>Or every workload its own block of host ids (see {@link Isolation}):
 * <pre>{@code
 * linx.user.isolation.enabled: true   # blocks of 65536 from the user's subordinate ranges
 * }</pre>
 *
 * <p>Children parked ahead, so that a start costs one exec, from the moment the application is ready:
 * <pre>{@code
 * linx.user.prepared: 4
 * }</pre>
 *
 * <p>Entries are checked when they are bound and the maps as a whole before the context finishes starting, so a bad
 * value stops start-up with a failure analysis rather than failing at first use.
 */
@ConfigurationProperties("linx.user")
public class UserNamespaceProperties {

    /**
     * Whether to auto-configure linx-user: the operations and launcher beans, the userns endpoint, the userns health
     * contributor and the linx.user meters.
     */
    private boolean enabled = true;

    /**
     * Uid map written for each workload the launcher starts, as "inside:outside:length" entries or objects with inside,
     * outside and length. Empty means the rootless default: 0 inside is the application's own effective uid, length 1.
     */
    private List<IdMapping> uidMap = new ArrayList<>();

    /**
     * Gid map written for each workload the launcher starts, as "inside:outside:length" entries or objects with inside,
     * outside and length. Empty means the rootless default: 0 inside is the application's own effective gid, length 1.
     */
    private List<IdMapping> gidMap = new ArrayList<>();

    /**
     * Whether the launcher writes "deny" to /proc/<pid>/setgroups before the maps. Unprivileged applications need
     * "deny"; "skip" is for applications with CAP_SETGID that want workloads to keep setgroups(2).
     */
    private SetgroupsPolicy setgroups = SetgroupsPolicy.DENY;

    /**
     * What an unset uid-map or gid-map means: "rootless" maps 0 inside to the application's own effective id, length 1;
     * "subordinate" maps 0 inside to the own id and 1, 2, ... inside to the user's ranges in /etc/subuid and
     * /etc/subgid, which an unprivileged application can only write through newuidmap/newgidmap (strategy auto or
     * helper).
     */
    private Layout layout = Layout.ROOTLESS;

    /**
     * How maps reach the kernel: "direct" writes to /proc/<pid>/uid_map and gid_map; "helper" always goes through
     * newuidmap/newgidmap; "auto" uses the helpers only when an unprivileged application maps more than its own id.
     */
    private MappingStrategy strategy = MappingStrategy.AUTO;

    /**
     * Namespaces the launcher creates for each workload. The user namespace is always created, listed or not.
     */
    private Set<Namespace> namespaces = new LinkedHashSet<>(Set.of(Namespace.USER));

    private final Isolation isolation = new Isolation();

    /**
     * How many children the launcher keeps parked ahead, each in its own fresh namespaces with its maps written (and,
     * with isolation, its block leased), so that a start costs one exec. They are parked once the application is
     * ready, never on the start-up path, replaced off the caller's thread, and killed with the context. 0 for none.
     */
    private int prepared = 0;

    /**
     * Whether to auto-configure linx-user ({@code linx.user.enabled}).
     *
     * @return {@code false} when the starter is off
     */
    public boolean isEnabled() {
        return this.enabled;
    }

    /**
     * Switches the starter on or off.
     *
     * @param enabled {@code false} to switch it off
     */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /**
     * The uid map the launcher writes ({@code linx.user.uid-map}).
     *
     * @return the entries; empty for the layout's map
     */
    public List<IdMapping> getUidMap() {
        return this.uidMap;
    }

    /**
     * Sets the uid map the launcher writes.
     *
     * @param uidMap the entries; empty for the layout's map
     */
    public void setUidMap(List<IdMapping> uidMap) {
        this.uidMap = uidMap;
    }

    /**
     * The gid map the launcher writes ({@code linx.user.gid-map}).
     *
     * @return the entries; empty for the layout's map
     */
    public List<IdMapping> getGidMap() {
        return this.gidMap;
    }

    /**
     * Sets the gid map the launcher writes.
     *
     * @param gidMap the entries; empty for the layout's map
     */
    public void setGidMap(List<IdMapping> gidMap) {
        this.gidMap = gidMap;
    }

    /**
     * Whether the launcher denies setgroups first ({@code linx.user.setgroups}).
     *
     * @return the policy
     */
    public SetgroupsPolicy getSetgroups() {
        return this.setgroups;
    }

    /**
     * Sets whether the launcher denies setgroups first.
     *
     * @param setgroups the policy
     */
    public void setSetgroups(SetgroupsPolicy setgroups) {
        this.setgroups = setgroups;
    }

    /**
     * What an unset map means ({@code linx.user.layout}).
     *
     * @return the layout
     */
    public Layout getLayout() {
        return this.layout;
    }

    /**
     * Sets what an unset map means.
     *
     * @param layout the layout
     */
    public void setLayout(Layout layout) {
        this.layout = layout;
    }

    /**
     * How maps reach the kernel ({@code linx.user.strategy}).
     *
     * @return the strategy
     */
    public MappingStrategy getStrategy() {
        return this.strategy;
    }

    /**
     * Sets how maps reach the kernel.
     *
     * @param strategy the strategy
     */
    public void setStrategy(MappingStrategy strategy) {
        this.strategy = strategy;
    }

    /**
     * The namespaces the launcher creates ({@code linx.user.namespaces}).
     *
     * @return the namespaces; the user namespace is created whether listed or not
     */
    public Set<Namespace> getNamespaces() {
        return this.namespaces;
    }

    /**
     * Sets the namespaces the launcher creates.
     *
     * @param namespaces the namespaces; the user namespace is created whether listed or not
     */
    public void setNamespaces(Set<Namespace> namespaces) {
        this.namespaces = namespaces;
    }

    public Isolation getIsolation() {
        return this.isolation;
    }

    /**
     * How many children the launcher keeps parked ahead ({@code linx.user.prepared}).
     *
     * @return 0 for none
     */
    public int getPrepared() {
        return this.prepared;
    }

    /**
     * Sets how many children the launcher keeps parked ahead; checked when the launcher is built.
     *
     * @param prepared 0 for none
     */
    public void setPrepared(int prepared) {
        this.prepared = prepared;
    }

    /**
     * The configured maps as a setup, with the layout's map for a map left empty. Not validated: see
     * {@link MapSetup#validate()}.
     */
    MapSetup toMapSetup() {
        MapSetup base = (this.layout == Layout.SUBORDINATE) ? SubordinateIds.current().rootlessSetup()
                : MapSetup.rootless();
        List<IdMapping> uid = isEmpty(this.uidMap) ? base.uid() : this.uidMap;
        List<IdMapping> gid = isEmpty(this.gidMap) ? base.gid() : this.gidMap;
        return new MapSetup(uid, gid, this.setgroups);
    }

    Set<Namespace> namespaceSet() {
        EnumSet<Namespace> all = EnumSet.of(Namespace.USER);
        if (this.namespaces != null) {
            all.addAll(this.namespaces);
        }
        return all;
    }

    /** Whether {@code linx.user.uid-map} is set: otherwise the layout's own uid map applies. */
    boolean hasUidMap() {
        return !isEmpty(this.uidMap);
    }

    /** Whether {@code linx.user.gid-map} is set: otherwise the layout's own gid map applies. */
    boolean hasGidMap() {
        return !isEmpty(this.gidMap);
    }

    private static boolean isEmpty(List<IdMapping> map) {
        return map == null || map.isEmpty();
    }

    /**
     * The {@code linx.user.isolation.*} properties: every workload its own block of host ids, so that root in one
     * sandbox is a host uid no other sandbox has. Checked before the context finishes starting.
     *
     * <pre>{@code
     * linx:
     *   user:
     *     isolation:
     *       enabled: true
     *       size: 65536                 # ids per workload
     *       uids: "2000000:1048576"     # a privileged application's pool; unset: the subordinate ranges
     *       gids: "2000000:1048576"
     * }</pre>
     */
    public static class Isolation {

        /**
         * Whether the auto-configured launcher gives every workload its own block of host ids, leased from a pool
         * and given back once no process is left in the workload's user namespace, instead of the same uid-map and
         * gid-map for all. Excludes uid-map, gid-map, layout subordinate and setgroups skip.
         */
        private boolean enabled = false;

        /**
         * How many uids and gids each workload gets: a power of two from 1 to 65536, or a multiple of 65536. Root
         * inside is the first id of the block.
         */
        private long size = 65536;

        /**
         * The host uids the pool hands out, as "start:count". Set together with gids. Unset: the first range of the
         * application's user in /etc/subuid, mapped through newuidmap.
         */
        private IdRange uids;

        /**
         * The host gids the pool hands out, as "start:count". Set together with uids. Unset: the first range of the
         * application's user in /etc/subgid, mapped through newgidmap.
         */
        private IdRange gids;

        /**
         * Directory of the lock files through which every process leasing from the same ids coordinates. Unset:
         * /run/linx-user for root, $XDG_RUNTIME_DIR/linx-user or /tmp/linx-user-<uid> for other users.
         */
        private Path ledger;

        public boolean isEnabled() {
            return this.enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public long getSize() {
            return this.size;
        }

        public void setSize(long size) {
            this.size = size;
        }

        public IdRange getUids() {
            return this.uids;
        }

        public void setUids(IdRange uids) {
            this.uids = uids;
        }

        public IdRange getGids() {
            return this.gids;
        }

        public void setGids(IdRange gids) {
            this.gids = gids;
        }

        public Path getLedger() {
            return this.ledger;
        }

        public void setLedger(Path ledger) {
            this.ledger = ledger;
        }
    }

    /** What an unset map means. */
    public enum Layout {

        /** 0 inside is the application's own effective id, length 1. */
        ROOTLESS,

        /** 0 inside is the own id; 1, 2, ... inside are the user's subordinate ranges, in file order. */
        SUBORDINATE
    }
}
