package dev.linx.user.spring;

import dev.linx.user.UserNamespaceLauncher;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;

/**
 * Starts parking the auto-configured launcher's prepared children ({@code linx.user.prepared}) once the application
 * is ready. The launcher is built with {@code deferPreparing()}: parking a child takes a few milliseconds of CPU and
 * a process, which start-up should not pay for, and a context that fails to start should have parked nothing.
 *
 * <p>Only the launchers handed to {@link #startWhenReady} are started: a launcher bean of the application's own,
 * built with {@code deferPreparing()}, is the application's to start. A launcher handed over after the event (a
 * lazily created bean) starts at once. A launcher closed with the context before the event never parks anything:
 * {@link UserNamespaceLauncher#startPreparing()} does nothing once it is closed.
 */
final class PreparedChildrenStarter implements ApplicationListener<ApplicationReadyEvent> {

    private final List<UserNamespaceLauncher> waiting = new ArrayList<>();

    private boolean ready;

    /**
     * Starts the launcher's prepared children when the application is ready, or now if it already is.
     *
     * @param launcher a launcher built with {@code deferPreparing()}
     */
    void startWhenReady(UserNamespaceLauncher launcher) {
        synchronized (this) {
            if (!this.ready) {
                this.waiting.add(launcher);
                return;
            }
        }
        launcher.startPreparing();
    }

    @Override
    public void onApplicationEvent(ApplicationReadyEvent event) {
        List<UserNamespaceLauncher> launchers;
        synchronized (this) {
            this.ready = true;
            launchers = List.copyOf(this.waiting);
            this.waiting.clear();
        }
        // Cheap: each launcher only starts its own refill thread, which does the parking.
        for (UserNamespaceLauncher launcher : launchers) {
            launcher.startPreparing();
        }
    }
}
