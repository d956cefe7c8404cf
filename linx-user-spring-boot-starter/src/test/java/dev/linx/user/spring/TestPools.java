package dev.linx.user.spring;

import dev.linx.user.MapSetup;
import java.nio.file.Path;

/**
 * Explicit host id pools for the isolation tests, which only root may map: one range per test class, far from the
 * core's test pools (3000000..), the sample's (2000000..3048575) and the ranges test users are given, so that no two
 * test classes ever share a block; gids start 500000 above the uids, so a mix-up of the two shows.
 */
public final class TestPools {

    public static final long AUTO_CONFIGURATION = 5_000_000;

    public static final long ENDPOINT = 6_000_000;

    public static final long HEALTH = 7_000_000;

    public static final long METRICS = 8_000_000;

    public static final long HTTP = 9_000_000;

    /** Prepared children with isolation on, each holding a block while it waits. */
    public static final long PREPARED = 13_000_000;

    public static final long WORKLOADS = 15_000_000;

    public static final long GID_OFFSET = 500_000;

    private TestPools() {
    }

    /**
     * The properties of an isolated launcher with {@code blocks} blocks of 65536 ids from {@code start}, its ledger in
     * {@code ledger}.
     */
    public static String[] isolated(long start, int blocks, Path ledger) {
        long count = blocks * 65_536L;
        return new String[] { "linx.user.isolation.enabled=true", "linx.user.isolation.uids=" + start + ":" + count,
                "linx.user.isolation.gids=" + (start + GID_OFFSET) + ":" + count,
                "linx.user.isolation.ledger=" + ledger };
    }

    public static boolean isRoot() {
        return MapSetup.rootless().uid().getFirst().outside() == 0;
    }
}
