package control;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Seven properties, as many and of the same kinds as the real starter binds: lists of converted entries, enums, a set.
 */
@ConfigurationProperties("control")
public class ControlProperties {

    private boolean enabled = true;
    private List<Entry> uidMap = new ArrayList<>();
    private List<Entry> gidMap = new ArrayList<>();
    private Setgroups setgroups = Setgroups.DENY;
    private Layout layout = Layout.ROOTLESS;
    private Strategy strategy = Strategy.AUTO;
    private Set<Kind> namespaces = new LinkedHashSet<>(Set.of(Kind.USER));

    public boolean isEnabled() {
        return this.enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public List<Entry> getUidMap() {
        return this.uidMap;
    }

    public void setUidMap(List<Entry> uidMap) {
        this.uidMap = uidMap;
    }

    public List<Entry> getGidMap() {
        return this.gidMap;
    }

    public void setGidMap(List<Entry> gidMap) {
        this.gidMap = gidMap;
    }

    public Setgroups getSetgroups() {
        return this.setgroups;
    }

    public void setSetgroups(Setgroups setgroups) {
        this.setgroups = setgroups;
    }

    public Layout getLayout() {
        return this.layout;
    }

    public void setLayout(Layout layout) {
        this.layout = layout;
    }

    public Strategy getStrategy() {
        return this.strategy;
    }

    public void setStrategy(Strategy strategy) {
        this.strategy = strategy;
    }

    public Set<Kind> getNamespaces() {
        return this.namespaces;
    }

    public void setNamespaces(Set<Kind> namespaces) {
        this.namespaces = namespaces;
    }

    /** Stands for an id mapping, bound through the converter. */
    public record Entry(String text) {
    }

    public enum Setgroups { ALLOW, DENY }

    public enum Layout { ROOTLESS, SUBORDINATE }

    public enum Strategy { AUTO, DIRECT, HELPER }

    public enum Kind { USER, MOUNT, PID }
}
