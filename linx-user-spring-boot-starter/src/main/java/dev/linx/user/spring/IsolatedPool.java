package dev.linx.user.spring;

import dev.linx.user.IdPool;
import dev.linx.user.IdRange;
import dev.linx.user.SetgroupsPolicy;
import dev.linx.user.SubordinateIds;
import dev.linx.user.UserNamespaceLauncher;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Turns {@code linx.user.isolation.*} into the pool and block size of an isolated launcher, checking everything that
 * can be checked before the first workload: the size, both ranges or neither, the subordinate ranges when neither is
 * given, a size that fits the pool, a usable ledger directory, and no shared-map property that isolation would
 * silently ignore. Each failure names the property, its value and the fix.
 */
final class IsolatedPool {

    private static final String PREFIX = "linx.user.isolation.";

    static final String SIZE = PREFIX + "size";

    static final String UIDS = PREFIX + "uids";

    static final String GIDS = PREFIX + "gids";

    static final String LEDGER = PREFIX + "ledger";

    private static final String NOT_SET = "(not set)";

    private static final String OR_SHARED = " or set linx.user.isolation.enabled=false to give every workload the same"
            + " maps.";

    private IsolatedPool() {
    }

    /**
     * @throws InvalidUserNamespacePropertyException naming the property at fault
     */
    static UserNamespaceLauncher.Isolation from(UserNamespaceProperties properties) {
        rejectSharedMapProperties(properties);
        UserNamespaceProperties.Isolation isolation = properties.getIsolation();
        long size = isolation.getSize();
        try {
            IdPool.checkSize(size);
        }
        catch (IllegalArgumentException ex) {
            throw new InvalidUserNamespacePropertyException(SIZE, Long.toString(size), ex.getMessage());
        }
        IdPool pool = pool(isolation.getUids(), isolation.getGids());
        if (isolation.getLedger() != null) {
            pool = pool.withLedger(isolation.getLedger());
        }
        try {
            pool.blocks(size);
        }
        catch (IllegalArgumentException ex) {
            throw new InvalidUserNamespacePropertyException(SIZE, Long.toString(size), ex.getMessage(),
                    "Set " + SIZE + " to at most the pool's smaller range (uids " + pool.uids().count() + ", gids "
                            + pool.gids().count() + " ids), for example 65536 or 1024, or give the pool larger ranges"
                            + " with " + UIDS + " and " + GIDS + ".",
                    ex);
        }
        checkLedger(pool, size, isolation.getLedger());
        return new UserNamespaceLauncher.Isolation(pool, size);
    }

    private static IdPool pool(IdRange uids, IdRange gids) {
        if (uids != null && gids != null) {
            return IdPool.of(uids, gids);
        }
        if (uids != null || gids != null) {
            String given = (uids != null) ? UIDS : GIDS;
            String missing = (uids != null) ? GIDS : UIDS;
            IdRange range = (uids != null) ? uids : gids;
            throw new InvalidUserNamespacePropertyException(missing, NOT_SET, given + " is set (" + range.start() + ":"
                    + range.count() + ") and " + missing + " is not: an explicit pool needs both",
                    "Set " + missing + " too ('start:count', it may equal " + given + "), or remove " + given
                            + " to lease from the application user's subordinate ranges.",
                    null);
        }
        SubordinateIds mine;
        try {
            mine = SubordinateIds.current();
        }
        catch (UncheckedIOException ex) {
            throw noSubordinateRange(UIDS, "the application's user", ex.getMessage(), ex);
        }
        String user = (mine.user() != null) ? mine.user() : Long.toString(mine.uid());
        try {
            return IdPool.subordinate();
        }
        catch (IllegalStateException ex) {
            throw noSubordinateRange(mine.uids().isEmpty() ? UIDS : GIDS, user, ex.getMessage(), ex);
        }
    }

    private static InvalidUserNamespacePropertyException noSubordinateRange(String property, String user,
            String why, Exception cause) {
        return new InvalidUserNamespacePropertyException(property, NOT_SET,
                "without " + UIDS + " and " + GIDS + " the pool is the subordinate ranges of the application's user,"
                        + " and " + why,
                "Give user " + user + " ranges in /etc/subuid and /etc/subgid (usermod --add-subuids 100000-165535"
                        + " --add-subgids 100000-165535 " + user + "), or set " + UIDS + " and " + GIDS
                        + " to host ranges 'start:count' (an application with CAP_SETUID and CAP_SETGID)," + OR_SHARED,
                cause);
    }

    /** Reads the pool's use once, which creates the ledger directory if it is missing and checks it is safe. */
    private static void checkLedger(IdPool pool, long size, Path configured) {
        try {
            pool.usage(size);
        }
        catch (UncheckedIOException ex) {
            String value = (configured != null) ? configured.toString() : NOT_SET + " " + pool.ledger();
            throw new InvalidUserNamespacePropertyException(LEDGER, value, ex.getMessage(),
                    "Set " + LEDGER + " to a directory this application's user owns and no one else may write (it"
                            + " is created with mode 0700 when missing); every application leasing from the same"
                            + " host ids must use the same one.",
                    ex);
        }
    }

    /** Isolation maps each workload to its own block: a configured shared map would be ignored without a word. */
    private static void rejectSharedMapProperties(UserNamespaceProperties properties) {
        if (!isEmpty(properties.getUidMap())) {
            throw conflict("linx.user.uid-map", UserNamespaceAutoConfiguration.text(properties.getUidMap()));
        }
        if (!isEmpty(properties.getGidMap())) {
            throw conflict("linx.user.gid-map", UserNamespaceAutoConfiguration.text(properties.getGidMap()));
        }
        if (properties.getLayout() == UserNamespaceProperties.Layout.SUBORDINATE) {
            throw conflict("linx.user.layout", "subordinate");
        }
        if (properties.getSetgroups() == SetgroupsPolicy.SKIP) {
            throw conflict("linx.user.setgroups", "skip");
        }
    }

    private static InvalidUserNamespacePropertyException conflict(String property, String value) {
        return new InvalidUserNamespacePropertyException(property, value,
                "not used with linx.user.isolation.enabled=true, where each workload gets its own block of the pool,"
                        + " 0..size-1 inside, setgroups denied",
                "Remove " + property + " to keep isolation," + OR_SHARED, null);
    }

    private static boolean isEmpty(List<?> list) {
        return list == null || list.isEmpty();
    }
}
