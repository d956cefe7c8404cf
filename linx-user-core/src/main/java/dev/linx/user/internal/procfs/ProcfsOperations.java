package dev.linx.user.internal.procfs;

import dev.linx.user.IdMapping;
import dev.linx.user.MapSetup;
import dev.linx.user.MappingStrategy;
import dev.linx.user.Operation;
import dev.linx.user.SetgroupsState;
import dev.linx.user.UserNamespaceOperations;
import dev.linx.user.internal.maps.MapText;
import dev.linx.user.internal.procfs.ProcCalls.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The verbs on the real procfs: validate, render, then one {@code write(2)} per file, relative to one open
 * {@code /proc/<pid>} directory per call. Map writes go through {@code newuidmap}/{@code newgidmap} instead when the
 * {@link MappingStrategy} says so.
 *
 * <p>Pid safety with a helper: the helper takes a pid number (the installed shadow has no descriptor form), so the
 * directory opened for the call is checked to still be alive just before and just after the helper runs. A process
 * alive at both checks held its pid throughout, so the helper reached it and no other; a failed second check is
 * reported, though the helper may by then have written to a process that reused the pid (see
 * docs/subordinate-ids.md).
 */
public final class ProcfsOperations implements UserNamespaceOperations {

    private static final Map<MappingStrategy, ProcfsOperations> BY_STRATEGY = new EnumMap<>(MappingStrategy.class);

    static {
        for (MappingStrategy strategy : MappingStrategy.values()) {
            BY_STRATEGY.put(strategy, new ProcfsOperations(strategy));
        }
    }

    /** The shared instance with the default strategy, {@link MappingStrategy#AUTO}. */
    public static final ProcfsOperations INSTANCE = BY_STRATEGY.get(MappingStrategy.AUTO);

    private static final Path SELF_UID_MAP = Path.of("/proc/self/uid_map");

    private final MappingStrategy strategy;

    // The calls are looked up per verb (ProcCalls.of), not held or returned: no field or signature here names them,
    // so an application that only creates the operations at start-up, and reflects on them, loads none of them.

    private ProcfsOperations(MappingStrategy strategy) {
        this.strategy = strategy;
    }

    /** The shared instance for a strategy; it has no state of its own. */
    public static ProcfsOperations of(MappingStrategy strategy) {
        return BY_STRATEGY.get(Objects.requireNonNull(strategy, "strategy"));
    }

    /** How this instance writes maps. */
    public MappingStrategy strategy() {
        return strategy;
    }

    @Override
    public boolean isSupported() {
        return Files.exists(SELF_UID_MAP);
    }

    @Override
    public List<IdMapping> readUidMap(long pid) {
        return MapText.parseMap(ProcCalls.of(strategy).read(Target.of(pid), Operation.READ_UID_MAP));
    }

    @Override
    public List<IdMapping> readUidMap(ProcessHandle process) {
        return MapText.parseMap(ProcCalls.of(strategy).read(Target.of(process), Operation.READ_UID_MAP));
    }

    @Override
    public List<IdMapping> readGidMap(long pid) {
        return MapText.parseMap(ProcCalls.of(strategy).read(Target.of(pid), Operation.READ_GID_MAP));
    }

    @Override
    public List<IdMapping> readGidMap(ProcessHandle process) {
        return MapText.parseMap(ProcCalls.of(strategy).read(Target.of(process), Operation.READ_GID_MAP));
    }

    @Override
    public SetgroupsState readSetgroups(long pid) {
        return setgroupsState(ProcCalls.of(strategy).read(Target.of(pid), Operation.READ_SETGROUPS));
    }

    @Override
    public SetgroupsState readSetgroups(ProcessHandle process) {
        return setgroupsState(ProcCalls.of(strategy).read(Target.of(process), Operation.READ_SETGROUPS));
    }

    @Override
    public void setUidMap(long pid, List<IdMapping> map) {
        ProcCalls.of(strategy).writeMap(Target.of(pid), Operation.SET_UID_MAP, map);
    }

    @Override
    public void setUidMap(ProcessHandle process, List<IdMapping> map) {
        ProcCalls.of(strategy).writeMap(Target.of(process), Operation.SET_UID_MAP, map);
    }

    @Override
    public void setGidMap(long pid, List<IdMapping> map) {
        ProcCalls.of(strategy).writeMap(Target.of(pid), Operation.SET_GID_MAP, map);
    }

    @Override
    public void setGidMap(ProcessHandle process, List<IdMapping> map) {
        ProcCalls.of(strategy).writeMap(Target.of(process), Operation.SET_GID_MAP, map);
    }

    @Override
    public void denySetgroups(long pid) {
        ProcCalls.of(strategy).deny(Target.of(pid));
    }

    @Override
    public void denySetgroups(ProcessHandle process) {
        ProcCalls.of(strategy).deny(Target.of(process));
    }

    @Override
    public void setupMaps(long pid, MapSetup setup) {
        ProcCalls.of(strategy).setup(Target.of(pid), setup);
    }

    @Override
    public void setupMaps(ProcessHandle process, MapSetup setup) {
        ProcCalls.of(strategy).setup(Target.of(process), setup);
    }

    private static SetgroupsState setgroupsState(String text) {
        return switch (text.strip()) {
            case "allow" -> SetgroupsState.ALLOW;
            case "deny" -> SetgroupsState.DENY;
            default -> throw new IllegalStateException("unexpected setgroups content: '" + text.strip() + "'");
        };
    }
}
