package dev.linx.user.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.linx.user.testsupport.ParkedShells;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;

/**
 * The prepared children of the starter tests: the ready event that makes the starter park them, and this JVM's
 * descendants, to see that none is left (the parked shells themselves: {@link ParkedShells}).
 */
public final class ParkedChildren {

    private ParkedChildren() {
    }

    /**
     * Publishes what {@link SpringApplication} publishes once the application is up, which an
     * {@code ApplicationContextRunner} never does.
     */
    public static void applicationReady(AssertableApplicationContext context) {
        context.publishEvent(new ApplicationReadyEvent(new SpringApplication(), new String[0],
                context.getSourceApplicationContext(), Duration.ZERO));
    }

    /** Every process of this JVM's that is left, zombies included, as {@code pid command line}. */
    public static List<String> descendants() {
        return ProcessHandle.current().descendants().map(p -> p.pid() + " " + String.join(" ", cmdline(p.pid())))
            .toList();
    }

    /** Waits (up to 10 s, for the JDK's reaper) until this JVM has no descendant left, and fails if one stays. */
    public static void assertNoneLeft() {
        await("no process of this JVM's left").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
            .untilAsserted(() -> assertThat(descendants()).as("processes left behind").isEmpty());
    }

    private static List<String> cmdline(long pid) {
        try {
            return ParkedShells.cmdline(pid);
        }
        catch (IOException ex) {
            return List.of();   // gone meanwhile
        }
    }
}
