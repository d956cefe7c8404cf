package dev.linx.user.sample;

import dev.linx.user.IdMapping;
import dev.linx.user.ParkedProcess;
import dev.linx.user.UserNamespaceLauncher;
import dev.linx.user.UserNamespaceOperations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.stereotype.Service;

/**
 * Runs {@code id}, always {@code id}, in a fresh user namespace with the launcher's configured maps, and remembers
 * the last run for the page.
 *
 * <p>It does what {@link UserNamespaceLauncher#start} does, one step at a time, so that it can look at the parked
 * child between the steps: park, write the defaults, read back what the kernel now says, proceed.
 */
@Service
final class WhoamiSandbox {

    private static final List<String> ID = List.of("id");

    private final UserNamespaceLauncher launcher;

    private final UserNamespaceOperations operations;

    private final AtomicReference<Whoami> last = new AtomicReference<>();

    WhoamiSandbox(UserNamespaceLauncher launcher, UserNamespaceOperations operations) {
        this.launcher = launcher;
        this.operations = operations;
    }

    Whoami run() throws IOException, InterruptedException {
        try (ParkedProcess child = this.launcher.park(ID)) {
            long pid = child.hostPid();
            this.operations.setupMaps(pid, this.launcher.defaults());
            List<IdMapping> uidMap = this.operations.readUidMap(pid);
            List<IdMapping> gidMap = this.operations.readGidMap(pid);
            String setgroups = this.operations.readSetgroups(pid).name().toLowerCase(Locale.ROOT);
            // The parked child already has the credentials the workload will run with: exec keeps them.
            long hostUid = statusId(pid, "Uid:");
            long hostGid = statusId(pid, "Gid:");
            Process id = child.proceed();
            String seen = new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!id.waitFor(10, TimeUnit.SECONDS)) {
                id.destroyForcibly().waitFor();
            }
            Whoami whoami = new Whoami(seen, hostUid, hostGid, uidMap, gidMap, setgroups);
            this.last.set(whoami);
            return whoami;
        }
    }

    Optional<Whoami> last() {
        return Optional.ofNullable(this.last.get());
    }

    /** The real id from {@code /proc/<pid>/status}, which the host reads in its own, initial namespace. */
    private static long statusId(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.substring(field.length()).strip().split("\\s+")[0]);
                }
            }
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        throw new IllegalStateException("no " + field + " line in /proc/" + pid + "/status");
    }
}
