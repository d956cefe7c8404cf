package dev.linx.user.spring;

import dev.linx.user.IdMapping;
import dev.linx.user.MapSetup;
import dev.linx.user.SetgroupsState;
import dev.linx.user.UserNamespaceOperations;
import java.util.List;

/**
 * Operations that pass every call to another instance, for tests to override the one step they change: the
 * misbehaving, counting or decorating operations an application might define.
 */
public class ForwardingOperations implements UserNamespaceOperations {

    private final UserNamespaceOperations delegate;

    public ForwardingOperations(UserNamespaceOperations delegate) {
        this.delegate = delegate;
    }

    @Override
    public boolean isSupported() {
        return this.delegate.isSupported();
    }

    @Override
    public List<IdMapping> readUidMap(long pid) {
        return this.delegate.readUidMap(pid);
    }

    @Override
    public List<IdMapping> readGidMap(long pid) {
        return this.delegate.readGidMap(pid);
    }

    @Override
    public SetgroupsState readSetgroups(long pid) {
        return this.delegate.readSetgroups(pid);
    }

    @Override
    public void setUidMap(long pid, List<IdMapping> map) {
        this.delegate.setUidMap(pid, map);
    }

    @Override
    public void setGidMap(long pid, List<IdMapping> map) {
        this.delegate.setGidMap(pid, map);
    }

    @Override
    public void denySetgroups(long pid) {
        this.delegate.denySetgroups(pid);
    }

    @Override
    public void setupMaps(long pid, MapSetup setup) {
        this.delegate.setupMaps(pid, setup);
    }
}
