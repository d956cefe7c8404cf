package dev.linx.user.spring.metrics;

import dev.linx.user.IdMapping;
import dev.linx.user.InvalidMappingException;
import dev.linx.user.MapSetup;
import dev.linx.user.SetgroupsState;
import dev.linx.user.UserNamespaceOperations;
import dev.linx.user.spring.metrics.UserNamespaceOperationsMeter.Verb;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.function.Supplier;

/**
 * Decorates {@link UserNamespaceOperations} with two meters, whatever implementation sits behind it:
 * <ul>
 * <li>{@code linx.user.rejections}, a counter tagged {@code operation} (the step the kernel refused, such as
 * {@code set_uid_map}) and {@code errno} (such as {@code eperm}), incremented once per kernel rejection;</li>
 * <li>{@code linx.user.operations}, a timer tagged {@code operation} (the verb called, such as {@code setup_maps})
 * and {@code outcome} ({@code success}, {@code rejected}, {@code invalid} or {@code error}).</li>
 * </ul>
 * Caller mistakes ({@link InvalidMappingException}) are timed as {@code invalid} but are not rejections. No tag ever
 * carries a pid or another unbounded value: the tag values come from enums. Metered operations that delegate to
 * other metered operations time the outermost call on the thread once and count a rejection once, by the innermost
 * layer it passes through.
 *
 * <pre>{@code
 * UserNamespaceOperations ops = new MeteredUserNamespaceOperations(UserNamespaces.operations(), registry);
 * }</pre>
 */
public final class MeteredUserNamespaceOperations implements UserNamespaceOperations {

    private final UserNamespaceOperations delegate;

    private final UserNamespaceOperationsMeter meter;

    /**
     * Measures another implementation's calls.
     *
     * @param delegate the operations to measure
     * @param registry where the meters go
     */
    public MeteredUserNamespaceOperations(UserNamespaceOperations delegate, MeterRegistry registry) {
        this(delegate, new UserNamespaceOperationsMeter(() -> registry));
    }

    MeteredUserNamespaceOperations(UserNamespaceOperations delegate, UserNamespaceOperationsMeter meter) {
        this.delegate = delegate;
        this.meter = meter;
    }

    /**
     * The decorated operations.
     *
     * @return the operations this one measures
     */
    public UserNamespaceOperations delegate() {
        return this.delegate;
    }

    @Override
    public boolean isSupported() {
        return this.delegate.isSupported();
    }

    @Override
    public List<IdMapping> readUidMap(long pid) {
        return measure(Verb.READ_UID_MAP, () -> this.delegate.readUidMap(pid));
    }

    @Override
    public List<IdMapping> readGidMap(long pid) {
        return measure(Verb.READ_GID_MAP, () -> this.delegate.readGidMap(pid));
    }

    @Override
    public SetgroupsState readSetgroups(long pid) {
        return measure(Verb.READ_SETGROUPS, () -> this.delegate.readSetgroups(pid));
    }

    @Override
    public void setUidMap(long pid, List<IdMapping> map) {
        measureVoid(Verb.SET_UID_MAP, () -> this.delegate.setUidMap(pid, map));
    }

    @Override
    public void setGidMap(long pid, List<IdMapping> map) {
        measureVoid(Verb.SET_GID_MAP, () -> this.delegate.setGidMap(pid, map));
    }

    @Override
    public void denySetgroups(long pid) {
        measureVoid(Verb.DENY_SETGROUPS, () -> this.delegate.denySetgroups(pid));
    }

    @Override
    public void setupMaps(long pid, MapSetup setup) {
        measureVoid(Verb.SETUP_MAPS, () -> this.delegate.setupMaps(pid, setup));
    }

    // The handle overloads go to the delegate's own, which may check the handle's identity more closely than a pid.

    @Override
    public List<IdMapping> readUidMap(ProcessHandle process) {
        return measure(Verb.READ_UID_MAP, () -> this.delegate.readUidMap(process));
    }

    @Override
    public List<IdMapping> readGidMap(ProcessHandle process) {
        return measure(Verb.READ_GID_MAP, () -> this.delegate.readGidMap(process));
    }

    @Override
    public SetgroupsState readSetgroups(ProcessHandle process) {
        return measure(Verb.READ_SETGROUPS, () -> this.delegate.readSetgroups(process));
    }

    @Override
    public void setUidMap(ProcessHandle process, List<IdMapping> map) {
        measureVoid(Verb.SET_UID_MAP, () -> this.delegate.setUidMap(process, map));
    }

    @Override
    public void setGidMap(ProcessHandle process, List<IdMapping> map) {
        measureVoid(Verb.SET_GID_MAP, () -> this.delegate.setGidMap(process, map));
    }

    @Override
    public void denySetgroups(ProcessHandle process) {
        measureVoid(Verb.DENY_SETGROUPS, () -> this.delegate.denySetgroups(process));
    }

    @Override
    public void setupMaps(ProcessHandle process, MapSetup setup) {
        measureVoid(Verb.SETUP_MAPS, () -> this.delegate.setupMaps(process, setup));
    }

    private void measureVoid(Verb verb, Runnable call) {
        this.meter.measure(verb, () -> {
            call.run();
            return null;
        });
    }

    private <T> T measure(Verb verb, Supplier<T> call) {
        return this.meter.measure(verb, call::get);
    }

    @Override
    public String toString() {
        return "MeteredUserNamespaceOperations[" + this.delegate + "]";
    }
}
