package dev.linx.user;

import dev.linx.user.UserNamespaceLauncher.Launch;
import dev.linx.user.UserNamespaceLauncher.Listener;
import dev.linx.user.UserNamespaceLauncher.PreparedResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** The launches a launcher's listeners return for one start, heard as one, in the listeners' order. */
final class Listeners {

    private Listeners() {
    }

    static Launch starting(List<Listener> listeners, UserNamespaceLauncher launcher) {
        if (listeners.isEmpty()) {
            return Launch.NONE;
        }
        if (listeners.size() == 1) {
            return Objects.requireNonNull(listeners.getFirst().starting(launcher), "a listener's launch");
        }
        List<Launch> launches = new ArrayList<>(listeners.size());
        for (Listener listener : listeners) {
            launches.add(Objects.requireNonNull(listener.starting(launcher), "a listener's launch"));
        }
        return new All(List.copyOf(launches));
    }

    private record All(List<Launch> launches) implements Launch {

        @Override
        public void prepared(PreparedResult result) {
            launches.forEach(launch -> launch.prepared(result));
        }

        @Override
        public void parked(long hostPid) {
            launches.forEach(launch -> launch.parked(hostPid));
        }

        @Override
        public void mapped(long hostPid) {
            launches.forEach(launch -> launch.mapped(hostPid));
        }

        @Override
        public void released(Workload workload) {
            launches.forEach(launch -> launch.released(workload));
        }

        @Override
        public void failed(Throwable error) {
            launches.forEach(launch -> launch.failed(error));
        }
    }
}
