package dev.linx.user;

import dev.linx.user.UserNamespaceLauncher.Launch;
import dev.linx.user.UserNamespaceLauncher.Listener;
import dev.linx.user.UserNamespaceLauncher.PreparedResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The launches a launcher's listeners return for one start, heard as one, in the listeners' order. Every launch hears
 * every phase even when an earlier one throws: the first failure is rethrown once all have heard it, the others added
 * to it as suppressed, so that no listener is left with a start that never ends (a timer never stopped).
 */
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
            try {
                launches.add(Objects.requireNonNull(listener.starting(launcher), "a listener's launch"));
            } catch (RuntimeException | Error e) {
                // The start ends here: the launches already begun hear that it failed.
                new All(List.copyOf(launches)).failed(e);
                throw e;
            }
        }
        return new All(List.copyOf(launches));
    }

    /** One phase, told to one launch. */
    @FunctionalInterface
    private interface Phase {
        void tell(Launch launch);
    }

    private record All(List<Launch> launches) implements Launch {

        private void each(Phase phase) {
            Throwable first = null;
            for (Launch launch : launches) {
                try {
                    phase.tell(launch);
                } catch (RuntimeException | Error e) {
                    if (first == null) {
                        first = e;
                    } else {
                        first.addSuppressed(e);
                    }
                }
            }
            if (first instanceof RuntimeException e) {
                throw e;
            }
            if (first instanceof Error e) {
                throw e;
            }
        }

        @Override
        public void prepared(PreparedResult result) {
            each(launch -> launch.prepared(result));
        }

        @Override
        public void parked(long hostPid) {
            each(launch -> launch.parked(hostPid));
        }

        @Override
        public void mapped(long hostPid) {
            each(launch -> launch.mapped(hostPid));
        }

        @Override
        public void released(Workload workload) {
            each(launch -> launch.released(workload));
        }

        @Override
        public void failed(Throwable error) {
            each(launch -> launch.failed(error));
        }
    }
}
