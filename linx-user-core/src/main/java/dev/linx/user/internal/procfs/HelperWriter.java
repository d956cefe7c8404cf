package dev.linx.user.internal.procfs;

import dev.linx.user.IdMapping;
import dev.linx.user.UserNamespaceException.HelperFailure;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Writes one map through {@code newuidmap} or {@code newgidmap}: {@code <helper> <pid> inside outside length ...}.
 * The helper checks the map against the caller's subordinate ranges and writes it in one write, as the library does.
 */
final class HelperWriter {

    private static final int MAX_MESSAGE = 4096;
    private static final long TIMEOUT_SECONDS = 30;

    private HelperWriter() {
    }

    /**
     * Runs the helper and waits for it.
     *
     * @return {@code null} when it succeeded, otherwise how it failed
     * @throws UncheckedIOException when the helper cannot be started at all
     */
    static HelperFailure write(Path helper, long pid, List<IdMapping> map) {
        List<String> command = new ArrayList<>();
        command.add(helper.toString());
        command.add(Long.toString(pid));
        for (IdMapping m : map) {
            command.add(Long.toString(m.inside()));
            command.add(Long.toString(m.outside()));
            command.add(Long.toString(m.length()));
        }
        Process process;
        try {
            process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + helper, e);
        }
        try {
            String message = readLimited(process.getErrorStream());
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                return new HelperFailure(helper.toString(), -1, "did not finish within " + TIMEOUT_SECONDS + "s");
            }
            int status = process.exitValue();
            return status == 0 ? null : new HelperFailure(helper.toString(), status, message);
        } catch (InterruptedException e) {
            // The helper is short-lived; finish it rather than leave a map half-decided, and keep the interrupt.
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            awaitQuietly(process);
            return new HelperFailure(helper.toString(), -1, "interrupted while waiting for the helper");
        } catch (IOException e) {
            process.destroyForcibly();
            awaitQuietly(process);
            throw new UncheckedIOException("could not read the output of " + helper, e);
        }
    }

    /** The helper's stderr until it closes it, lines joined with "; ", cut at the limit. */
    private static String readLimited(InputStream err) throws IOException {
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        byte[] buffer = new byte[1024];
        int n;
        while ((n = err.read(buffer)) != -1) {
            kept.write(buffer, 0, Math.min(n, Math.max(0, MAX_MESSAGE - kept.size())));
        }
        return String.join("; ", kept.toString(StandardCharsets.UTF_8).strip().lines().map(String::strip).toList());
    }

    private static void awaitQuietly(Process process) {
        boolean interrupted = Thread.interrupted();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            interrupted = true;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
