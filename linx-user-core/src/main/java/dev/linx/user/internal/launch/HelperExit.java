package dev.linx.user.internal.launch;

import dev.linx.user.internal.procfs.PinnedDir;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Ends a helper that will never run its workload (it failed, or was closed parked) and leaves nothing behind: kills it,
 * reaps everything it started, releases its pipes; and the failure that goes with it.
 */
final class HelperExit {

    static final Duration EXIT_AFTER_KILL = Duration.ofSeconds(5);
    private static final int MAX_HELPER_MESSAGE = 4096;

    private HelperExit() {
    }

    /** A launch failure: an {@link UncheckedIOException} around an {@link IOException} with the same message. */
    static UncheckedIOException failure(String message) {
        return new UncheckedIOException(message, new IOException(message));
    }

    /**
     * Kills the child and reaps everything the helper started. The pinned child is signalled through its descriptor;
     * with a PID namespace, unshare then reaps it and exits by itself, so no zombie is left for init.
     */
    static void destroyAndReap(Process process, PinnedDir pin) {
        if (pin != null) {
            boolean signalled = pin.kill();
            pin.close();
            if (signalled) {
                Exits.await(process, EXIT_AFTER_KILL);
            }
        }
        process.destroyForcibly();
        Exits.await(process, null);
        closeQuietly(process.getOutputStream());
        closeQuietly(process.getInputStream());
        closeQuietly(process.getErrorStream());
    }

    /** What the helper said on its stderr, at most {@value #MAX_HELPER_MESSAGE} bytes; empty if it cannot be read. */
    static String readQuietly(InputStream in) {
        try {
            return new String(in.readNBytes(MAX_HELPER_MESSAGE), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return "";
        }
    }

    private static void closeQuietly(AutoCloseable stream) {
        try {
            stream.close();
        } catch (Exception e) {
            // Nothing more to release: the process is gone.
        }
    }
}
