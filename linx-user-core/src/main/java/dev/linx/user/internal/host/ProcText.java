package dev.linx.user.internal.host;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Reads a short procfs text, a sysctl knob above all, whole. */
public final class ProcText {

    private ProcText() {
    }

    /**
     * The file's text, stripped; empty when it cannot be read.
     *
     * <p>Through a buffered reader, whose first read asks for 8 KiB: a sysctl file answers only a read at offset 0 (any
     * later offset reads as end of file), and {@code Files.readString} sizes its first read by the file's size, 0 in
     * {@code /proc}, so it kept "9" of "96365".
     */
    public static Optional<String> read(Path file) {
        try {
            return Optional.of(String.join("\n", Files.readAllLines(file, StandardCharsets.US_ASCII)).strip());
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
