package dev.linx.user.internal.procfs;

import dev.linx.user.IdMapping;
import dev.linx.user.UserNamespaceException.HelperFailure;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

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
     * @throws UncheckedIOException when the helper cannot be started at all, or had to be killed (it did not finish
     *         in time, or the calling thread was interrupted: an {@link InterruptedIOException}, the interrupt kept);
     *         a killed helper is no refusal, and whether it wrote the map is unknown
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
        // stderr is read on a virtual thread so that a stuck helper still meets the timeout.
        CompletableFuture<String> stderr = new CompletableFuture<>();
        Thread.ofVirtual().name("linx-map-helper-stderr").start(() -> {
            try {
                stderr.complete(readLimited(process.getErrorStream()));
            } catch (Throwable t) {
                stderr.completeExceptionally(t);
            }
        });
        try {
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                awaitQuietly(process);
                String message = killed(helper, "did not finish within " + TIMEOUT_SECONDS + " s");
                throw new UncheckedIOException(message, new IOException(message));
            }
            int status = process.exitValue();
            return status == 0 ? null : new HelperFailure(helper.toString(), status, message(stderr));
        } catch (InterruptedException e) {
            // Keep the interrupt; the helper is killed rather than left to decide the map unobserved.
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            awaitQuietly(process);
            String message = killed(helper, "was interrupted");
            throw new UncheckedIOException(message, new InterruptedIOException(message));
        }
    }

    private static String killed(Path helper, String why) {
        return "waiting for " + helper + " " + why + ": it was killed, and whether it wrote the map is unknown;"
                + " start a new child";
    }

    /** What the helper said, once it has exited and closed stderr. */
    private static String message(CompletableFuture<String> stderr) {
        try {
            return stderr.get(5, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
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
