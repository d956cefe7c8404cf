package control;

import io.micrometer.observation.ObservationRegistry;
import org.springframework.beans.factory.ObjectProvider;

/** Stands for the launch observation's listener: holds the registry's provider and the convention, does nothing. */
public final class ControlObservationListener implements ControlListener {

    final ObjectProvider<ObservationRegistry> registry;

    final Object convention;

    public ControlObservationListener(ObjectProvider<ObservationRegistry> registry, Object convention) {
        this.registry = registry;
        this.convention = convention;
    }
}
