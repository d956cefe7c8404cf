package dev.linx.user.spring.actuate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a {@code main} of the test classpath in a JVM of its own behind a command prefix (such as {@code unshare
 * --user}), as root reads the classpath in place.
 */
final class SecondJvm {

    private SecondJvm() {
    }

    /** Runs {@code prefix java -cp <test classpath> main args}, requires exit status 0, returns its output lines. */
    static List<String> run(List<String> prefix, Class<?> main, String... args) throws Exception {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(ProcessHandle.current().info().command().orElseThrow(), "-XX:-UsePerfData",
                "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                main.getName()));
        command.addAll(List.of(args));
        Process jvm = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(jvm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(jvm.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(jvm.exitValue()).as("exit status; output:\n" + out).isZero();
        return out.lines().toList();
    }
}
