package dev.linx.user.sample;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linx.user.SubordinateIds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.env.SimpleCommandLinePropertySource;
import org.springframework.core.env.StandardEnvironment;

/** How the sample chooses its pool for the user it runs as, before application.yml is read. */
@ExtendWith(OutputCaptureExtension.class)
class IsolationForThisUserTest {

    /** Logs at once: the test reads the log line from the output. */
    private final IsolationForThisUser choice = new IsolationForThisUser((DeferredLogFactory) Supplier::get);

    private final StandardEnvironment environment = new StandardEnvironment();

    @TempDir
    Path etc;

    private SubordinateIds user(String name, long uid, String subuid, String subgid) throws IOException {
        return SubordinateIds.read(name, uid, uid, Files.writeString(this.etc.resolve("subuid"), subuid),
                Files.writeString(this.etc.resolve("subgid"), subgid));
    }

    @Test
    void rootGetsTheRootProfileWhosePoolIsInApplicationYml() throws IOException {
        this.choice.choose(this.environment, user("root", 0, "", ""));

        assertThat(this.environment.getActiveProfiles()).containsExactly(IsolationForThisUser.ROOT_PROFILE);
        assertThat(this.environment.getProperty("linx.user.isolation.enabled")).isNull();
    }

    @Test
    void anUnprivilegedUserWithSubordinateRangesLeasesFromThem(CapturedOutput output) throws IOException {
        this.choice.choose(this.environment, user("app", 1000, "app:100000:65536\n", "app:100000:65536\n"));

        assertThat(this.environment.getActiveProfiles()).isEmpty();
        assertThat(this.environment.getProperty("linx.user.isolation.enabled")).isNull();
        assertThat(output).doesNotContain("Isolation is off");
    }

    @Test
    void anUnprivilegedUserWithoutThemStartsWithoutIsolationAndSaysSoInOneLine(CapturedOutput output)
            throws IOException {
        this.choice.choose(this.environment, user("app", 1000, "other:100000:65536\n", ""));

        assertThat(this.environment.getProperty("linx.user.isolation.enabled")).isEqualTo("false");
        assertThat(output.getAll().lines().filter(line -> line.contains("Isolation is off"))).singleElement()
            .asString()
            .contains("user app (uid 1000) has no range in /etc/subuid")
            .contains("usermod --add-subuids 100000-165535 --add-subgids 100000-165535 app");
    }

    @Test
    void theCommandLineStillWinsOverTheFallback() throws IOException {
        this.environment.getPropertySources()
            .addFirst(new SimpleCommandLinePropertySource("--linx.user.isolation.enabled=true"));

        this.choice.choose(this.environment, user("app", 1000, "", ""));

        assertThat(this.environment.getProperty("linx.user.isolation.enabled")).isEqualTo("true");
    }
}
