package dev.linx.user.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The page end to end in headless Chromium, driven by playwright-core ({@code src/test/browser/whoami-page.mjs}):
 * the application's maps are drawn, the button runs {@code /whoami}, the sandbox's maps appear, and on the host id
 * axis two runs land in two different, labelled blocks of the pool (as root: the pool of application.yml's root
 * profile), and a sleep started from the page appears among the live workloads and disappears once it has exited.
 * The screenshot, taken while the sleep is listed, is kept at {@code sample-app/target/browser/whoami.png}.
 *
 * <p>Needs Debian's {@code chromium} and {@code npm ci} in {@code src/test/browser}; {@code .ci/run} installs both
 * and sets {@code LINX_BROWSER_TEST=required}, which turns a missing browser into a failure instead of a skip.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class SampleBrowserTest {

    private static final Path BROWSER_DIR = Path.of("src/test/browser");

    private static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));

    @LocalServerPort
    int port;

    @Test
    void thePageDrawsTheMapsTwoRunsInTwoBlocksOfThePoolAndALiveWorkloadInChromium() throws IOException, InterruptedException {
        requireBrowser();
        Path screenshot = Path.of("target/browser/whoami.png").toAbsolutePath();
        Files.createDirectories(screenshot.getParent());
        Files.deleteIfExists(screenshot);

        Process node = new ProcessBuilder("node", "whoami-page.mjs", "http://127.0.0.1:" + this.port + "/",
                screenshot.toString())
            .directory(BROWSER_DIR.toFile())
            .redirectErrorStream(true)
            .start();
        String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        boolean exited = node.waitFor(90, TimeUnit.SECONDS);
        if (!exited) {
            node.destroyForcibly().waitFor();
        }

        assertThat(exited).as("the browser run finished in time:%n%s", output).isTrue();
        assertThat(node.exitValue()).as("browser run output:%n%s", output).isZero();
        assertThat(output).contains("ok: the workload saw: uid=0(root)")
            .contains("ok: two runs, two labelled blocks")
            .contains("ok: a live workload appears")
            .contains("ok: the workload disappears once it has exited");
        assertThat(screenshot).isNotEmptyFile();
    }

    private static void requireBrowser() {
        String missing = !Files.isExecutable(CHROMIUM) ? CHROMIUM + " (apt-get install chromium)"
                : !Files.isDirectory(BROWSER_DIR.resolve("node_modules/playwright-core"))
                        ? "playwright-core (npm ci in sample-app/src/test/browser)" : null;
        if (missing == null) {
            return;
        }
        if ("required".equals(System.getenv("LINX_BROWSER_TEST"))) {
            throw new AssertionError("The browser test is required but " + missing + " is missing");
        }
        Assumptions.abort("Skipping the browser test: " + missing + " is missing; .ci/run installs it");
    }
}
