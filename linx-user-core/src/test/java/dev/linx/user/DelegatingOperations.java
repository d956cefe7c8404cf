package dev.linx.user;

import java.util.List;

/** Forwards every verb; tests override the one they change. */
class DelegatingOperations implements UserNamespaceOperations {
    private final UserNamespaceOperations delegate;

    DelegatingOperations(UserNamespaceOperations delegate) {
        this.delegate = delegate;
    }

    @Override
    public boolean isSupported() {
        return delegate.isSupported();
    }

    @Override
    public List<IdMapping> readUidMap(long pid) {
        return delegate.readUidMap(pid);
    }

    @Override
    public List<IdMapping> readGidMap(long pid) {
        return delegate.readGidMap(pid);
    }

    @Override
    public SetgroupsState readSetgroups(long pid) {
        return delegate.readSetgroups(pid);
    }

    @Override
    public void setUidMap(long pid, List<IdMapping> map) {
        delegate.setUidMap(pid, map);
    }

    @Override
    public void setGidMap(long pid, List<IdMapping> map) {
        delegate.setGidMap(pid, map);
    }

    @Override
    public void denySetgroups(long pid) {
        delegate.denySetgroups(pid);
    }

    @Override
    public void setupMaps(long pid, MapSetup setup) {
        delegate.setupMaps(pid, setup);
    }
}
