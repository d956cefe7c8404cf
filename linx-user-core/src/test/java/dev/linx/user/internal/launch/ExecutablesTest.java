package dev.linx.user.internal.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The PATH lookup before a start, against real files: what it remembers never outlives the file it found. */
class ExecutablesTest {

    private static Path executable(Path directory, String name) throws Exception {
        Path file = directory.resolve(name);
        Files.writeString(file, "#!/bin/sh\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    @Test
    void aProgramIsFoundWhereThePathHasIt(@TempDir Path dir) throws Exception {
        Path file = executable(dir, "linx-found");
        assertThat(Executables.requireWorkload("linx-found", "/nonexistent:" + dir, null)).isEqualTo(file);
        assertThat(Executables.requireWorkload("linx-found", "/nonexistent:" + dir, null)).isEqualTo(file);
    }

    @Test
    void aProgramRemovedSinceItWasLastFoundIsRefused(@TempDir Path dir) throws Exception {
        Path file = executable(dir, "linx-removed");
        Executables.requireWorkload("linx-removed", dir.toString(), null);
        Files.delete(file);
        assertThatThrownBy(() -> Executables.requireWorkload("linx-removed", dir.toString(), null))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining("linx-removed");
    }

    @Test
    void anotherPathIsLookedUpAgain(@TempDir Path first, @TempDir Path second) throws Exception {
        executable(first, "linx-moved");
        Path there = executable(second, "linx-moved");
        Executables.requireWorkload("linx-moved", first.toString(), null);
        assertThat(Executables.requireWorkload("linx-moved", second.toString(), null)).isEqualTo(there);
    }
}
